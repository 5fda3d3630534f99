#!/usr/bin/env bash
# Benchmark: what the orchestrator costs on top of LiteLLM, against a bare Quarkus app and (optionally) the Backstage
# Node plugin it replaces, side by side on one machine in one run. Writes bench/RESULTS.md.
# Usage: bench/run.sh                       (from a fresh clone)
#        PEER=<dir> bench/run.sh            (plus the Backstage Node plugin: <dir> is an installed copy, docs/benchmarks.md)
# Knobs (environment): TOKEN_ALG=ES256|RS256 LATENCY_MS=5 DURATION=5 WARMUP=15 (s per route, before any point: the
#   figures are steady state; a separate "cold" point shows the first seconds after start) CONCURRENCY="16 64" STARTS=5
#   RUNTIME=bench/runtime.env (JAVA_HOME, JAVA_OPTS, AOT; RUNTIME=/dev/null takes them from the environment); BASELINE_JAVA_HOME
#   (a second runtime whose start-up is measured too; default the system JDK 17) WORKSHOP=1|0 WORKSHOP_USERS=1000
#   WORKSHOP_CONCURRENCY=16 JFR=1 (profile the load; hot methods in the report) SKIP_BUILD=1 RESULTS=bench/RESULTS.md
#   PRIORITY=0 (nice value) KEEP_WORK=1 (keep the temporary folder)
set -euo pipefail
cd "$(dirname "$0")/.."

BENCH_TAG=bench
# runtime (JAVA_HOME, JAVA, JAVA_OPTS), $WORK, PIDS and their cleanup, log, start_standin
. bench/common.sh
AOT=${AOT:-0}
BASELINE_JAVA_HOME=${BASELINE_JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}
BASELINE_JAVA_OPTS=${BASELINE_JAVA_OPTS:-"-Xms32m -Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=32m"}
TOKEN_ALG=${TOKEN_ALG:-ES256}
LATENCY_MS=${LATENCY_MS:-5}
DURATION=${DURATION:-5}
WARMUP=${WARMUP:-15}
CONCURRENCY=${CONCURRENCY:-"16 64"}
STARTS=${STARTS:-5}
WORKSHOP=${WORKSHOP:-1}
WORKSHOP_USERS=${WORKSHOP_USERS:-1000}
WORKSHOP_CONCURRENCY=${WORKSHOP_CONCURRENCY:-16}
PEER=${PEER:-}
RESULTS=${RESULTS:-bench/RESULTS.md}
IDP_PORT=${IDP_PORT:-18401}
SERVICE_PORT=${SERVICE_PORT:-18080}
BARE_PORT=${BARE_PORT:-18090}
if [ -n "$PEER" ]; then
    PEER_BACKEND=$PEER/workspaces/litellm-orchestrator/plugins/litellm-orchestrator-backend
    if [ ! -f "$PEER_BACKEND/dev/index.ts" ] || [ ! -d "$PEER/workspaces/litellm-orchestrator/node_modules/@backstage/cli" ]; then
        echo "PEER=$PEER is not an installed copy of the Backstage plugin (what it must hold: docs/benchmarks.md)" >&2
        exit 2
    fi
    # the workspace's app-config.yaml, as the plugin ships it, points LiteLLM here with this master key
    LITELLM_PORT=4000
    MASTER_KEY=sk-asdf
else
    LITELLM_PORT=${LITELLM_PORT:-18400}
    MASTER_KEY=sk-bench-master-$RANDOM$RANDOM
fi

PRIORITY=${PRIORITY:-0}
[ "$PRIORITY" != 0 ] && renice -n "$PRIORITY" -p $$ >/dev/null

# ---- tools and builds --------------------------------------------------------------------------------------
if ! command -v wrk >/dev/null; then
    log "installing wrk (Debian package)"
    SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get install -y -q wrk >/dev/null || { $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q wrk >/dev/null; }
fi
command -v curl >/dev/null || { log "curl is required"; exit 1; }
[ -x "$JAVA" ] || { log "no java at $JAVA"; exit 1; }

QUARKUS_VERSION=$(sed -n 's:.*<quarkus.platform.version>\(.*\)</quarkus.platform.version>.*:\1:p' pom.xml)
# The bare app: quarkus-rest only, the same Quarkus version, one GET route; generated and built in this run.
BARE=$WORK/bare
mkdir -p "$BARE/src/main/java/bare" "$BARE/src/main/resources"
cat >"$BARE/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>bench</groupId><artifactId>bare</artifactId><version>1</version>
  <properties><maven.compiler.release>17</maven.compiler.release><project.build.sourceEncoding>UTF-8</project.build.sourceEncoding></properties>
  <dependencyManagement><dependencies><dependency><groupId>io.quarkus.platform</groupId><artifactId>quarkus-bom</artifactId>
    <version>$QUARKUS_VERSION</version><type>pom</type><scope>import</scope></dependency></dependencies></dependencyManagement>
  <dependencies><dependency><groupId>io.quarkus</groupId><artifactId>quarkus-rest</artifactId></dependency></dependencies>
  <build><plugins>
    <plugin><groupId>io.quarkus.platform</groupId><artifactId>quarkus-maven-plugin</artifactId><version>$QUARKUS_VERSION</version>
      <extensions>true</extensions><executions><execution><goals><goal>build</goal></goals></execution></executions></plugin>
    <plugin><artifactId>maven-compiler-plugin</artifactId><version>3.15.0</version></plugin>
  </plugins></build>
</project>
POM
cat >"$BARE/src/main/java/bare/Hello.java" <<'JAVA'
package bare;

@jakarta.ws.rs.Path("/hello")
public class Hello {
    @jakarta.ws.rs.GET
    public String hello() {
        return "hello";
    }
}
JAVA
if [ "${SKIP_BUILD:-0}" != 1 ]; then
    log "building the service (./mvnw -B -q package -DskipTests)"
    ./mvnw -B -q package -DskipTests
fi
log "building the bare Quarkus $QUARKUS_VERSION app (quarkus-rest only) in $BARE"
./mvnw -B -q -f "$BARE/pom.xml" package -DskipTests

# ---- stand-ins: LiteLLM (fixed latency) and the OIDC issuer ------------------------------------------------
log "starting the LiteLLM and OIDC stand-ins (latency ${LATENCY_MS} ms, $TOKEN_ALG tokens)"
start_standin

LITELLM=http://127.0.0.1:$LITELLM_PORT
SERVICE=http://127.0.0.1:$SERVICE_PORT/api/litellm-orchestrator
READER=user%3Adefault%2Fbench.reader
WRITER=user%3Adefault%2Fbench.writer
USER_TOKEN=$(cat "$WORK/user.jwt")
WRITER_TOKEN=$(cat "$WORK/writer.jwt")

# ---- helpers -----------------------------------------------------------------------------------------------
# wrk_point <concurrency> <seconds> <auth> <method> <body> <url>  ->  "req/s p50µs p99µs non2xx sockerr requests"
wrk_point() {
    local c=$1 d=$2 threads=$(( $1 < 2 ? 1 : 2 ))
    WRK_AUTH=$3 WRK_METHOD=$4 WRK_BODY=$5 wrk -t"$threads" -c"$c" -d"${d}s" --timeout 10s \
        -s bench/wrk-report.lua "$6" | awk '/^RESULT/ { $1=""; print substr($0, 2) }'
}
# CPU time (user + system) a process has used so far, in ms: per request, a figure the machine's load barely skews
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.0f", ($14 + $15) * 1000 / hz }' "/proc/$1/stat"; }
rss_mb() { awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

# Ours, configured for Backstage-shaped tokens: principal `sub`, roles from `ent`, audience `backstage`.
# run_ours <java> <opts> <port> <issuer> <log>  (background; sets RUN_PID)
run_ours() {
    # shellcheck disable=SC2086
    LITELLM_BASE_URL=$LITELLM LITELLM_MASTER_KEY=$MASTER_KEY OIDC_AUTH_SERVER_URL=$4 QUARKUS_OIDC_TOKEN_AUDIENCE=backstage \
        QUARKUS_OIDC_TOKEN_PRINCIPAL_CLAIM=sub QUARKUS_OIDC_ROLES_ROLE_CLAIM_PATH=ent \
        ORCHESTRATOR_ADMIN_ROLE=group:default/bench-admins QUARKUS_HTTP_PORT=$3 \
        "$1" $2 -jar target/quarkus-app/quarkus-run.jar >"$5" 2>&1 &
    RUN_PID=$!
    PIDS+=("$RUN_PID")
}
run_bare() {
    # shellcheck disable=SC2086
    QUARKUS_HTTP_PORT=$BARE_PORT "$1" $2 -jar "$BARE/target/quarkus-app/quarkus-run.jar" >"$3" 2>&1 &
    RUN_PID=$!
    PIDS+=("$RUN_PID")
}
# wait_200 <pid> <url> [token]: polls until 200; sets WAITED (ms since T0)
wait_200() {
    local code
    for _ in $(seq 1 3000); do
        if [ -n "${3:-}" ]; then
            code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 -H "Authorization: Bearer $3" "$2" || true)
        else
            code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$2" || true)
        fi
        [ "$code" = 200 ] && { WAITED=$(( $(now_ms) - T0 )); return 0; }
        kill -0 "$1" 2>/dev/null || break
        sleep 0.01
    done
    log "no 200 from $2"
    return 1
}
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
ISSUER=http://127.0.0.1:$IDP_PORT/realms/bench

# ---- AOT cache: one training start per app, driven by a few requests, recorded at exit ---------------------
AOT_OURS=""; AOT_BARE=""
if [ "$AOT" = 1 ]; then
    log "recording AOT caches (training starts)"
    T0=$(now_ms); run_ours "$JAVA" "$JAVA_OPTS -XX:AOTCacheOutput=$WORK/ours.aot" "$SERVICE_PORT" "$ISSUER" "$WORK/aot-ours.log"
    wait_200 "$RUN_PID" "$SERVICE/users/$READER" "$USER_TOKEN"
    for _ in $(seq 1 50); do
        curl -s -o /dev/null -H "Authorization: Bearer $USER_TOKEN" "$SERVICE/users/$READER/keys"
        curl -s -o /dev/null -X POST -H 'Content-Type: application/json' -d '{}' -H "Authorization: Bearer $WRITER_TOKEN" "$SERVICE/users/$WRITER/keys"
    done
    stop "$RUN_PID"
    T0=$(now_ms); run_bare "$JAVA" "$JAVA_OPTS -XX:AOTCacheOutput=$WORK/bare.aot" "$WORK/aot-bare.log"
    wait_200 "$RUN_PID" "http://127.0.0.1:$BARE_PORT/hello"
    stop "$RUN_PID"
    [ -s "$WORK/ours.aot" ] && AOT_OURS="-XX:AOTCache=$WORK/ours.aot"
    [ -s "$WORK/bare.aot" ] && AOT_BARE="-XX:AOTCache=$WORK/bare.aot"
    [ -n "$AOT_OURS" ] || log "no AOT cache was written (see $WORK/aot-ours.log); starts run without it"
fi
OURS_OPTS="$JAVA_OPTS $AOT_OURS"
BARE_OPTS="$JAVA_OPTS $AOT_BARE"

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- start-up: bare and ours started alternately, to the first (authenticated) 200 ------------------------
: >"$WORK/starts-bare"; : >"$WORK/starts-ours"; : >"$WORK/starts-baseline"; : >"$WORK/started-in"
for i in $(seq 1 "$STARTS"); do
    T0=$(now_ms); run_bare "$JAVA" "$BARE_OPTS" "$WORK/start-bare-$i.log"
    wait_200 "$RUN_PID" "http://127.0.0.1:$BARE_PORT/hello"; stop "$RUN_PID"; echo "$WAITED" >>"$WORK/starts-bare"
    T0=$(now_ms); run_ours "$JAVA" "$OURS_OPTS" "$SERVICE_PORT" "$ISSUER" "$WORK/start-ours-$i.log"
    wait_200 "$RUN_PID" "$SERVICE/users/$READER" "$USER_TOKEN"; stop "$RUN_PID"; echo "$WAITED" >>"$WORK/starts-ours"
    grep -ho 'started in [0-9.]*s' "$WORK/start-ours-$i.log" | grep -o '[0-9.]*' >>"$WORK/started-in" || true
    T0=$(now_ms); run_ours "$BASELINE_JAVA_HOME/bin/java" "$BASELINE_JAVA_OPTS" "$SERVICE_PORT" "$ISSUER" "$WORK/start-base-$i.log"
    wait_200 "$RUN_PID" "$SERVICE/users/$READER" "$USER_TOKEN"; stop "$RUN_PID"; echo "$WAITED" >>"$WORK/starts-baseline"
    log "start $i: bare $(tail -1 "$WORK/starts-bare") ms, ours $(tail -1 "$WORK/starts-ours") ms, ours on the baseline JDK $(tail -1 "$WORK/starts-baseline") ms"
done
START_BARE=$(median <"$WORK/starts-bare"); START_OURS=$(median <"$WORK/starts-ours"); START_BASE=$(median <"$WORK/starts-baseline")
STARTED_IN=$(median <"$WORK/started-in" 2>/dev/null || echo n/a)

# ---- load: direct call vs ours, one long-lived instance --------------------------------------------------
OPS=(get_user list_keys create_key)
declare -A OP_NAME=([get_user]="GET /users/{id}" [list_keys]="GET /users/{id}/keys" [create_key]="POST /users/{id}/keys")
declare -A OP_DIRECT=([get_user]="GET /user/info" [list_keys]="GET /key/list" [create_key]="POST /key/generate")
service_point() {
    case $1 in
        get_user) wrk_point "$2" "$3" "Bearer $USER_TOKEN" GET "" "$SERVICE/users/$READER" ;;
        list_keys) wrk_point "$2" "$3" "Bearer $USER_TOKEN" GET "" "$SERVICE/users/$READER/keys" ;;
        create_key) wrk_point "$2" "$3" "Bearer $WRITER_TOKEN" POST '{}' "$SERVICE/users/$WRITER/keys" ;;
    esac
}
direct_point() {
    case $1 in
        get_user) wrk_point "$2" "$3" "Bearer $MASTER_KEY" GET "" "$LITELLM/user/info?user_id=$READER" ;;
        list_keys) wrk_point "$2" "$3" "Bearer $MASTER_KEY" GET "" \
            "$LITELLM/key/list?user_id=$READER&page=1&size=100&return_full_object=true" ;;
        create_key) wrk_point "$2" "$3" "Bearer $MASTER_KEY" POST "{\"user_id\":\"user:default/bench.writer\"}" \
            "$LITELLM/key/generate" ;;
    esac
}
ROWS=$WORK/rows.tsv; : >"$ROWS"
JFR_OPTS=""
[ "${JFR:-0}" = 1 ] && JFR_OPTS="-XX:StartFlightRecording=filename=$WORK/load.jfr,settings=profile,dumponexit=true"
T0=$(now_ms); run_ours "$JAVA" "$OURS_OPTS $JFR_OPTS" "$SERVICE_PORT" "$ISSUER" "$WORK/service.log"; OURS_PID=$RUN_PID
wait_200 "$OURS_PID" "$SERVICE/users/$READER" "$USER_TOKEN"
sleep 1
IDLE_RSS=$(rss_mb "$OURS_PID")
# cold: the first seconds of a fresh instance, before the JIT has compiled the hot path (reported, not a target)
o0=$(cpu_ms "$OURS_PID"); COLD=$(service_point get_user 16 "$DURATION"); o1=$(cpu_ms "$OURS_PID")
COLD_CPU=$(awk -v s="$COLD" -v c=$(( o1 - o0 )) 'BEGIN { split(s, b, " "); printf "%.3f", c / b[6] }')
log "ours cold GET /users/{id} c=16 [$COLD] cpu-ms/req[$COLD_CPU]; warming up ${WARMUP} s per operation"
# steady state: every route runs until the JIT has compiled it before any point is measured
for op in "${OPS[@]}"; do service_point "$op" 16 "$WARMUP" >/dev/null; direct_point "$op" 16 2 >/dev/null; done
for op in "${OPS[@]}"; do
    for c in $CONCURRENCY; do
        s0=$(cpu_ms "$STANDIN_PID"); direct=$(direct_point "$op" "$c" "$DURATION"); s1=$(cpu_ms "$STANDIN_PID")
        o0=$(cpu_ms "$OURS_PID"); service=$(service_point "$op" "$c" "$DURATION"); o1=$(cpu_ms "$OURS_PID"); s2=$(cpu_ms "$STANDIN_PID")
        cpu=$(awk -v d="$direct" -v s="$service" -v sd=$(( s1 - s0 )) -v os=$(( o1 - o0 )) -v su=$(( s2 - s1 )) \
            'BEGIN { split(d, a, " "); split(s, b, " "); printf "%.3f %.3f %.3f", sd / a[6], os / b[6], su / b[6] }')
        log "${OP_NAME[$op]} c=$c direct[$direct] ours[$service] cpu-ms/req[$cpu]"
        printf '%s\t%s\t%s\t%s\t%s\n' "$op" "$c" "$direct" "$service" "$cpu" >>"$ROWS"
    done
done
LOAD_RSS=$(rss_mb "$OURS_PID")

# -- workshop (bench/Workshop.java, whichever version it is): WORKSHOP_USERS attendees, user + key each --
WORKSHOP_LINE=""
if [ "$WORKSHOP" = 1 ] && [ -f bench/Workshop.java ]; then
    WORKSHOP_LINE=$(timeout 300 java bench/Workshop.java "$SERVICE" "$WORK/admin.jwt" "$WORKSHOP_USERS" \
        "$WORKSHOP_CONCURRENCY" "run$RANDOM" 2>"$WORK/workshop.err" | awk '/^WORKSHOP/ { $1=""; print substr($0, 2) }' || true)
    [ -n "$WORKSHOP_LINE" ] || log "workshop step gave no WORKSHOP line (see $WORK/workshop.err); reported as not run"
fi
WORKSHOP_RSS=$(rss_mb "$OURS_PID")
stop "$OURS_PID"
HOT=""
if [ "${JFR:-0}" = 1 ] && [ -s "$WORK/load.jfr" ]; then
    JFR_TOOL=$JAVA_HOME/bin/jfr; [ -x "$JFR_TOOL" ] || JFR_TOOL=/usr/lib/jvm/temurin-25-jdk-amd64/bin/jfr
    HOT=$("$JFR_TOOL" view --width 160 hot-methods "$WORK/load.jfr" 2>/dev/null | head -30 || true)
fi

# ---- side by side with the Backstage Node plugin (optional) ----------------------------------------------
PEER_ROWS=$WORK/peer.tsv; : >"$PEER_ROWS"; PEER_START=""; PEER_OURS_START=""; PEER_RSS=""; PEER_OURS_RSS=""
if [ -n "$PEER" ]; then
    PU=user%3Adefault%2Fjohn-smith
    curl -s -X POST "$LITELLM/user/new" -H "Authorization: Bearer $MASTER_KEY" -H 'Content-Type: application/json' \
        -d '{"user_id":"user:default/john-smith"}' >/dev/null
    log "starting the Backstage Node peer from $PEER"
    T0=$(now_ms)
    ( cd "$PEER_BACKEND" && NODE_ENV=development \
        exec node --enable-source-maps --require ../../node_modules/@backstage/cli/config/nodeTransform.cjs dev/index ) \
        >"$WORK/peer.log" 2>&1 &
    PEER_PID=$!; PIDS+=("$PEER_PID")
    PEER_TOKEN=""
    for _ in $(seq 1 1200); do
        PEER_TOKEN=$(curl -s -H 'X-Requested-With: XMLHttpRequest' http://127.0.0.1:7007/api/auth/guest/refresh 2>/dev/null \
            | python3 -c 'import sys,json;print(json.load(sys.stdin)["backstageIdentity"]["token"])' 2>/dev/null) && [ -n "$PEER_TOKEN" ] && break
        sleep 0.1
    done
    PEER_URL=http://127.0.0.1:7007/api/litellm-orchestrator
    peer_point() { # <who> <op> <c> <d>
        local base=$PEER_URL; [ "$1" = ours ] && base=$SERVICE
        case $2 in
            get_user) wrk_point "$3" "$4" "Bearer $PEER_TOKEN" GET "" "$base/users/$PU" ;;
            list_keys) wrk_point "$3" "$4" "Bearer $PEER_TOKEN" GET "" "$base/users/$PU/keys" ;;
            create_key) wrk_point "$3" "$4" "Bearer $PEER_TOKEN" POST '{}' "$base/users/$PU/keys" ;;
        esac
    }
    # cold_point <who> <pid>: GET /users/{id} at c=16 right after the start -> "req/s p50 p99 ... cpu-ms/req"
    cold_point() {
        local c0 c1 r; c0=$(cpu_ms "$2"); r=$(peer_point "$1" get_user 16 "$DURATION"); c1=$(cpu_ms "$2")
        awk -v r="$r" -v c=$(( c1 - c0 )) 'BEGIN { split(r, b, " "); printf "%s %.3f", r, c / b[6] }'
    }
    wait_200 "$PEER_PID" "$PEER_URL/users/$PU" "$PEER_TOKEN"; PEER_START=$WAITED
    PEER_COLD=$(cold_point peer "$PEER_PID")
    # ours verifies the peer's own Backstage tokens (ES256, from its auth backend)
    T0=$(now_ms); run_ours "$JAVA" "$OURS_OPTS" "$SERVICE_PORT" "http://127.0.0.1:7007/api/auth" "$WORK/ours-peer.log"; PO_PID=$RUN_PID
    wait_200 "$PO_PID" "$SERVICE/users/$PU" "$PEER_TOKEN"; PEER_OURS_START=$WAITED
    PEER_OURS_COLD=$(cold_point ours "$PO_PID")
    log "cold GET /users/{id} c=16: peer[$PEER_COLD] ours[$PEER_OURS_COLD]; warming both up ${WARMUP} s per operation"
    # one user for both: warm every route on both, then delete the keys the warm-up created, so the GETs read the
    # same (empty) lists as a fresh user; key creation is measured last, as its keys would swell the lists
    for op in "${OPS[@]}"; do
        peer_point peer "$op" 16 "$WARMUP" >/dev/null; peer_point ours "$op" 16 "$WARMUP" >/dev/null
    done
    # tens of thousands of hashes: the body goes through a pipe, not the command line
    curl -s -H "Authorization: Bearer $MASTER_KEY" "$LITELLM/key/list?user_id=$PU&page=1&size=1000000" \
        | python3 -c 'import sys, json; print(json.dumps({"keys": json.load(sys.stdin)["keys"]}))' \
        | curl -s -o /dev/null -X POST "$LITELLM/key/delete" -H "Authorization: Bearer $MASTER_KEY" \
            -H 'Content-Type: application/json' --data-binary @-
    log "deleted the warm-up's keys: $(curl -s -H "Authorization: Bearer $MASTER_KEY" \
        "$LITELLM/key/list?user_id=$PU&page=1&size=10" | python3 -c 'import sys, json; print(json.load(sys.stdin)["total_count"])') left"
    for op in "${OPS[@]}"; do
        for c in $CONCURRENCY; do
            p0=$(cpu_ms "$PEER_PID"); peer=$(peer_point peer "$op" "$c" "$DURATION"); p1=$(cpu_ms "$PEER_PID")
            o0=$(cpu_ms "$PO_PID"); ours=$(peer_point ours "$op" "$c" "$DURATION"); o1=$(cpu_ms "$PO_PID")
            cpu=$(awk -v p="$peer" -v o="$ours" -v pc=$(( p1 - p0 )) -v oc=$(( o1 - o0 )) \
                'BEGIN { split(p, a, " "); split(o, b, " "); printf "%.3f %.3f", pc / a[6], oc / b[6] }')
            log "peer ${OP_NAME[$op]} c=$c peer[$peer] ours[$ours] cpu-ms/req[$cpu]"
            printf '%s\t%s\t%s\t%s\t%s\n' "$op" "$c" "$peer" "$ours" "$cpu" >>"$PEER_ROWS"
        done
    done
    PEER_RSS=$(rss_mb "$PEER_PID"); PEER_OURS_RSS=$(rss_mb "$PO_PID")
    stop "$PO_PID"; stop "$PEER_PID"
fi
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- report ------------------------------------------------------------------------------------------------
verdict() { if [ "$1" = 1 ]; then echo met; else echo "**miss**"; fi; }
{
    echo "# Benchmark results"
    echo
    echo "Produced by \`bench/run.sh\` on $(date -u +'%Y-%m-%d %H:%M UTC'): $(nproc) cores," \
        "$(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo) RAM, wrk $(wrk -v 2>&1 | head -1 | awk '{ print $2 }')." \
        "**Load average before the run: $LOAD_BEFORE; after: $LOAD_AFTER** (nice $PRIORITY). Other builds shared the"
    echo "machine: compare figures within this run (ratios), not with other runs."
    echo
    echo "Service runtime (\`$RUNTIME\`): \`$("$JAVA" -version 2>&1 | sed -n 2p)\`, \`$JAVA_OPTS\`, AOT cache: $([ -n "$AOT_OURS" ] && echo yes || echo no)," \
        "\`MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX\`. Tokens: $TOKEN_ALG, Backstage-shaped (\`typ: vnd.backstage.user\`, \`aud: backstage\`," \
        "roles from \`ent\`), verified against the stand-in issuer's JWKS. LiteLLM stand-in: \`bench/StandIn.java\`, ${LATENCY_MS} ms" \
        "per answer. Each point: wrk for ${DURATION} s, measured after every route ran ${WARMUP} s on the same instance" \
        "(steady state: the JIT has compiled the hot path); the cold row shows the first ${DURATION} s after a start." \
        "CPU ms/req is the process's user+system time over the point divided by its requests."
    echo
    echo "## Start-up to the first (authenticated) 200, median of $STARTS, started alternately"
    echo
    echo "| App | Runtime | Median | All (ms) | vs bare |"
    echo "|---|---|---:|---|---:|"
    echo "| bare Quarkus $QUARKUS_VERSION (quarkus-rest only), GET /hello | as ours | $START_BARE ms | $(paste -sd, "$WORK/starts-bare") | 1.00x |"
    echo "| ours, GET /users/{id} with a token | as above | $START_OURS ms | $(paste -sd, "$WORK/starts-ours") | $(awk -v a="$START_OURS" -v b="$START_BARE" 'BEGIN { printf "%.2fx", a / b }') |"
    echo "| ours, same | $("$BASELINE_JAVA_HOME/bin/java" -version 2>&1 | head -1), \`$BASELINE_JAVA_OPTS\` | $START_BASE ms | $(paste -sd, "$WORK/starts-baseline") | $(awk -v a="$START_BASE" -v b="$START_BARE" 'BEGIN { printf "%.2fx", a / b }') |"
    echo
    echo "Quarkus' own \"started in\" for ours (median): ${STARTED_IN} s. Target ≤ 1.2x bare:" \
        "$(verdict "$(awk -v a="$START_OURS" -v b="$START_BARE" 'BEGIN { print (a <= 1.2 * b) ? 1 : 0 }')")."
    echo
    echo "## Ours vs the direct LiteLLM call"
    echo
    echo "| Operation (direct call) | c | Direct req/s | Ours req/s | Direct p50 | Ours p50 | Added p50 | Direct p99 | Ours p99 | Added p99 | Errors | CPU ms/req: stand-in direct, ours, stand-in via ours |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for op in "${OPS[@]}"; do
        awk -F'\t' -v op="$op" -v name="${OP_NAME[$op]}" -v dname="${OP_DIRECT[$op]}" '
            $1 == op { split($3, d, " "); split($4, s, " "); split($5, u, " ")
                printf "| %s (%s) | %d | %.0f | %.0f | %.2f ms | %.2f ms | %+.2f ms | %.2f ms | %.2f ms | %+.2f ms | %d | %.3f, %.3f, %.3f |\n",
                    name, dname, $2, d[1], s[1], d[2] / 1000, s[2] / 1000, (s[2] - d[2]) / 1000,
                    d[3] / 1000, s[3] / 1000, (s[3] - d[3]) / 1000, s[4] + s[5], u[1], u[2], u[3] }' "$ROWS"
    done
    awk -v r="$COLD" -v c="$COLD_CPU" 'BEGIN { split(r, b, " ")
        printf "| cold: GET /users/{id}, first %s s after the start | 16 | | %.0f | | %.2f ms | | | %.2f ms | | %d | , %s, |\n",
            '"$DURATION"', b[1], b[2] / 1000, b[3] / 1000, b[4] + b[5], c }'
    echo
    echo "RSS: ${IDLE_RSS} MB idle, ${LOAD_RSS} MB after the load (target ≤ 150 MB: $(verdict $(( LOAD_RSS <= 150 )))), ${WORKSHOP_RSS} MB after the workshop."
    echo
    for op in "${OPS[@]}"; do
        awk -F'\t' -v op="$op" -v name="${OP_NAME[$op]}" '
            function verdict(ok) { return ok ? "met" : "**miss**" }
            $1 == op && $2 == 16 { split($3, d, " "); split($4, s, " ")
                a50 = (s[2] - d[2]) / 1000; a99 = (s[3] - d[3]) / 1000
                printf "- %s at c=16: added p50 %+.2f ms (target ≤ 1 ms: %s), added p99 %+.2f ms (target ≤ 5 ms: %s)\n",
                    name, a50, verdict(a50 <= 1), a99, verdict(a99 <= 5) }' "$ROWS"
    done
    if [ -n "$WORKSHOP_LINE" ]; then
        read -r ws_s ws_rate ws_err ws_keys _ <<<"$WORKSHOP_LINE"
        echo "- Workshop (bench/Workshop.java): $WORKSHOP_USERS attendees, $WORKSHOP_CONCURRENCY in flight: ${ws_s} s, ${ws_rate} keys/s, ${ws_err} errors ($ws_keys keys)"
    else
        echo "- Workshop: not run (WORKSHOP=0, or bench/Workshop.java gave no result line)"
    fi
    if [ -n "$HOT" ]; then
        echo
        echo "### Hot methods under this load (JFR, \`jfr view hot-methods\`)"
        echo
        echo '```'
        echo "$HOT"
        echo '```'
    fi
    if [ -n "$PEER" ]; then
        echo
        echo "## Side by side with the Backstage Node plugin (same stand-in, the same real Backstage ES256 guest token)"
        echo
        echo "Start to the first authenticated 200: peer ${PEER_START} ms (Node, no build step), ours ${PEER_OURS_START} ms."
        echo
        echo "Cold, GET /users/{id} at c=16 in the first ${DURATION} s after each start (before the warm-up; not a target):" \
            "$(awk -v p="$PEER_COLD" -v o="$PEER_OURS_COLD" 'BEGIN { split(p, a, " "); split(o, b, " ")
                printf "peer %.0f req/s, p50 %.2f ms, %.3f CPU ms/req; ours %.0f req/s, p50 %.2f ms, %.3f CPU ms/req",
                    a[1], a[2] / 1000, a[7], b[1], b[2] / 1000, b[7] }')."
        echo
        echo "| Route | c | Peer req/s | Ours req/s | Ours/peer req/s | Peer p50 / p99 | Ours p50 / p99 | Peer CPU ms/req | Ours CPU ms/req | Ours/peer CPU | Errors peer, ours |"
        echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        for op in "${OPS[@]}"; do
            awk -F'\t' -v op="$op" -v name="${OP_NAME[$op]}" '
                $1 == op { split($3, p, " "); split($4, o, " "); split($5, c, " ")
                    printf "| %s | %d | %.0f | %.0f | %.2fx | %.2f / %.2f ms | %.2f / %.2f ms | %.3f | %.3f | %.2fx | %d, %d |\n",
                        name, $2, p[1], o[1], o[1] / p[1], p[2] / 1000, p[3] / 1000, o[2] / 1000, o[3] / 1000,
                        c[1], c[2], c[2] / c[1], p[4] + p[5], o[4] + o[5] }' "$PEER_ROWS"
        done
        echo
        echo "RSS after this load: peer ${PEER_RSS} MB, ours ${PEER_OURS_RSS} MB. Targets: ours CPU/req ≤ 1/3 of the peer's (≤ 0.33x)," \
            "and at c=64 ≥ 3x its req/s:"
        echo
        for op in "${OPS[@]}"; do
            awk -F'\t' -v op="$op" -v name="${OP_NAME[$op]}" '
                function verdict(ok) { return ok ? "met" : "**miss**" }
                $1 == op && $2 == 64 { split($3, p, " "); split($4, o, " "); split($5, c, " ")
                    printf "- %s: CPU %.2fx (%s), req/s %.2fx (%s)\n", name, c[2] / c[1], verdict(c[2] / c[1] <= 0.34),
                        o[1] / p[1], verdict(o[1] / p[1] >= 3) }' "$PEER_ROWS"
        done
    fi
} >"$RESULTS.tmp"
mv "$RESULTS.tmp" "$RESULTS"
log "wrote $RESULTS"
cat "$RESULTS"
