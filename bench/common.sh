# Sourced by bench/run.sh and bench/alloc.sh (not run on its own): what both harnesses do alike.
# Before sourcing, set BENCH_TAG (the log prefix) and, to skip keys of the runtime file, RUNTIME_SKIP (e.g. "AOT").

# The runtime file names the JDK and options (RUNTIME=/dev/null takes JAVA_HOME, JAVA_OPTS, AOT from the environment).
RUNTIME=${RUNTIME:-bench/runtime.env}
if [ -f "$RUNTIME" ]; then
    while IFS='=' read -r k v; do
        case $k in ''|\#*) continue ;; esac
        case " ${RUNTIME_SKIP:-} " in *" $k "*) continue ;; esac
        eval "$k=$v"
    done <"$RUNTIME"
fi
JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
JAVA=$JAVA_HOME/bin/java
JAVA_OPTS=${JAVA_OPTS:-"-Xms32m -Xmx64m -XX:+UseSerialGC"}
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}

# A temporary folder, and every process started in the background (PIDS+=("$!")) stopped on exit.
WORK=$(mktemp -d -t "orchestrator-${BENCH_TAG:-bench}.XXXXXX")
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    [ "${KEEP_WORK:-0}" = 1 ] || rm -rf "$WORK"
}
trap cleanup EXIT
log() { printf '[%s %s] %s\n' "${BENCH_TAG:-bench}" "$(date +%H:%M:%S)" "$*" >&2; }

# start_standin: the LiteLLM and OIDC stand-ins (bench/StandIn.java) on LITELLM_PORT and IDP_PORT with MASTER_KEY,
# tokens written to $WORK; waits until they answer. Sets STANDIN_PID.
start_standin() {
    LITELLM_PORT=$LITELLM_PORT IDP_PORT=$IDP_PORT LATENCY_MS=${LATENCY_MS:-5} MASTER_KEY=$MASTER_KEY OUT_DIR=$WORK \
        TOKEN_ALG=${TOKEN_ALG:-ES256} java -Xmx512m -cp 'target/quarkus-app/lib/main/*' bench/StandIn.java \
        >"$WORK/standin.log" 2>&1 &
    STANDIN_PID=$!
    PIDS+=("$STANDIN_PID")
    for _ in $(seq 1 600); do grep -q READY "$WORK/standin.log" 2>/dev/null && break; sleep 0.1; done
    grep -q READY "$WORK/standin.log" || { cat "$WORK/standin.log"; log "stand-in did not start"; exit 1; }
}
