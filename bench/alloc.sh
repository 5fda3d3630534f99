#!/usr/bin/env bash
# Bytes allocated and CPU time per request of this build and, optionally, another ("before"), both running at once
# and loaded alternately in one run, so the machine's load weighs on both alike. Prints a Markdown table.
# Usage: bench/alloc.sh                 (this build: target/quarkus-app, built by ./mvnw package)
#        bench/alloc.sh /tmp/base       (also the build in another checkout, e.g. main's commit, as the baseline)
#        NEW=/tmp/other bench/alloc.sh /tmp/base   (the "after" build from another checkout too)
# Knobs: ROUNDS=5 DURATION=8 (s per window) WARMUP=20 (s per route and build, before any window) CONCURRENCY=16
#   RUNTIME=bench/runtime.env (JAVA_HOME, JAVA_OPTS; AOT is not used: steady state is what is measured here)
#   JFR=1 (record allocation samples of both builds while measured: alloc-<build>.jfr in the work folder; KEEP_WORK=1)
# Bytes: the JVM's own count of heap bytes allocated by all its threads (bench/AllocProbe.java), read before and after
# each window, divided by the window's requests; exact, and independent of the machine's load. CPU: the process's
# user+system time over the window, per request; noisy on a shared machine, hence the alternation and the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${1:-}
NEW=${NEW:-.}
BENCH_TAG=alloc
RUNTIME_SKIP=AOT
# runtime (JAVA_HOME, JAVA, JAVA_OPTS), $WORK, PIDS and their cleanup, log, start_standin
. bench/common.sh
ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-8}
WARMUP=${WARMUP:-20}
CONCURRENCY=${CONCURRENCY:-16}
LITELLM_PORT=${LITELLM_PORT:-18500}
IDP_PORT=${IDP_PORT:-18501}
MASTER_KEY=sk-bench-master-$RANDOM$RANDOM
command -v wrk >/dev/null || { log "wrk is required (bench/run.sh installs it)"; exit 1; }
[ -d "$NEW/target/quarkus-app" ] || { log "build first: ./mvnw package -DskipTests"; exit 1; }
[ -z "$BASE" ] || [ -d "$BASE/target/quarkus-app" ] || { log "no build in $BASE/target/quarkus-app"; exit 1; }

log "starting the LiteLLM and OIDC stand-ins"
start_standin
USER_TOKEN=$(cat "$WORK/user.jwt"); WRITER_TOKEN=$(cat "$WORK/writer.jwt")
READER=user%3Adefault%2Fbench.reader; WRITER=user%3Adefault%2Fbench.writer

# the probe: one line in (a pid), one line out (its allocated bytes so far)
coproc PROBE { "$JAVA" bench/AllocProbe.java; }
PIDS+=("$PROBE_PID")
allocated() { echo "$1" >&"${PROBE[1]}"; local b; read -r b <&"${PROBE[0]}"; echo "$b"; }
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.0f", ($14 + $15) * 1000 / hz }' "/proc/$1/stat"; }

# builds: name, folder, port
NAMES=(new); DIRS=("$NEW"); PORTS=(18580)
[ -n "$BASE" ] && { NAMES=(base new); DIRS=("$BASE" "$NEW"); PORTS=(18581 18580); }
declare -A PID_OF URL_OF
for i in "${!NAMES[@]}"; do
    name=${NAMES[$i]}
    jfr=""; [ "${JFR:-0}" = 1 ] && jfr="-XX:StartFlightRecording=filename=$WORK/alloc-$name.jfr,settings=profile,dumponexit=true"
    # shellcheck disable=SC2086
    LITELLM_BASE_URL=http://127.0.0.1:$LITELLM_PORT LITELLM_MASTER_KEY=$MASTER_KEY \
        OIDC_AUTH_SERVER_URL=http://127.0.0.1:$IDP_PORT/realms/bench QUARKUS_OIDC_TOKEN_AUDIENCE=backstage \
        QUARKUS_OIDC_TOKEN_PRINCIPAL_CLAIM=sub QUARKUS_OIDC_ROLES_ROLE_CLAIM_PATH=ent \
        ORCHESTRATOR_ADMIN_ROLE=group:default/bench-admins QUARKUS_HTTP_PORT=${PORTS[$i]} \
        "$JAVA" $JAVA_OPTS $jfr -jar "${DIRS[$i]}/target/quarkus-app/quarkus-run.jar" >"$WORK/$name.log" 2>&1 &
    PID_OF[$name]=$!; PIDS+=("$!")
    URL_OF[$name]=http://127.0.0.1:${PORTS[$i]}/api/litellm-orchestrator
done
for name in "${NAMES[@]}"; do
    for _ in $(seq 1 600); do
        [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 -H "Authorization: Bearer $USER_TOKEN" \
            "${URL_OF[$name]}/users/$READER" || true)" = 200 ] && break
        kill -0 "${PID_OF[$name]}" 2>/dev/null || { cat "$WORK/$name.log"; exit 1; }
        sleep 0.1
    done
done

OPS=(get_user list_keys create_key)
declare -A OP_NAME=([get_user]="GET /users/{id}" [list_keys]="GET /users/{id}/keys" [create_key]="POST /users/{id}/keys")
# point <build> <op> <seconds>  ->  "requests non2xx"
point() {
    local url=${URL_OF[$1]} auth=$USER_TOKEN method=GET body="" path
    case $2 in
        get_user) path=/users/$READER ;;
        list_keys) path=/users/$READER/keys ;;
        create_key) path=/users/$WRITER/keys; auth=$WRITER_TOKEN; method=POST; body='{}' ;;
    esac
    WRK_AUTH="Bearer $auth" WRK_METHOD=$method WRK_BODY=$body wrk -t2 -c"$CONCURRENCY" -d"${3}s" --timeout 10s \
        -s bench/wrk-report.lua "$url$path" | awk '/^RESULT/ { print $7, $5 + $6 }'
}

# what a probe read costs the measured JVM (its JMX call allocates), and what it allocates idle
for name in "${NAMES[@]}"; do allocated "${PID_OF[$name]}" >/dev/null; done
declare -A PROBE_COST IDLE_RATE
for name in "${NAMES[@]}"; do
    a0=$(allocated "${PID_OF[$name]}"); a1=$(allocated "${PID_OF[$name]}"); sleep 5; a2=$(allocated "${PID_OF[$name]}")
    PROBE_COST[$name]=$(( a1 - a0 )); IDLE_RATE[$name]=$(( (a2 - a1 - (a1 - a0)) / 5 ))
    log "$name: a probe read costs ${PROBE_COST[$name]} B; idle it allocates ${IDLE_RATE[$name]} B/s"
done

log "warming up: ${WARMUP} s per route and build"
for op in "${OPS[@]}"; do for name in "${NAMES[@]}"; do point "$name" "$op" "$WARMUP" >/dev/null; done; done

ROWS=$WORK/rows.tsv; : >"$ROWS"
for round in $(seq 1 "$ROUNDS"); do
    order=("${NAMES[@]}")
    (( round % 2 == 0 )) && [ ${#NAMES[@]} = 2 ] && order=("${NAMES[1]}" "${NAMES[0]}")
    for op in "${OPS[@]}"; do
        for name in "${order[@]}"; do
            pid=${PID_OF[$name]}
            a0=$(allocated "$pid"); c0=$(cpu_ms "$pid")
            read -r requests errors < <(point "$name" "$op" "$DURATION")
            c1=$(cpu_ms "$pid"); a1=$(allocated "$pid")
            bytes=$(( (a1 - a0 - PROBE_COST[$name]) / requests ))
            cpu=$(awk -v c=$(( c1 - c0 )) -v n="$requests" 'BEGIN { printf "%.4f", c / n }')
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$op" "$name" "$requests" "$errors" "$bytes" "$cpu" >>"$ROWS"
            log "round $round ${OP_NAME[$op]} $name: $requests requests ($errors errors), $bytes B/req, $cpu CPU ms/req"
        done
    done
done

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
col() { awk -F'\t' -v op="$1" -v name="$2" -v c="$3" '$2 == op && $3 == name { print $c }' "$ROWS"; }
echo "Load average: $(cut -d' ' -f1-3 /proc/loadavg) (after the run); $ROUNDS rounds of ${DURATION} s per route and build at c=$CONCURRENCY, builds alternated (order swapped every round); JVM: \`$("$JAVA" -version 2>&1 | sed -n 2p)\`, \`$JAVA_OPTS\`."
echo "Probe read: $(for n in "${NAMES[@]}"; do printf '%s %s B, ' "$n" "${PROBE_COST[$n]}"; done)subtracted; idle allocation: $(for n in "${NAMES[@]}"; do printf '%s %s B/s; ' "$n" "${IDLE_RATE[$n]}"; done)not subtracted."
echo
if [ ${#NAMES[@]} = 2 ]; then
    echo "| Route | Before: bytes/req | After: bytes/req | After/before bytes | Before: CPU ms/req | After: CPU ms/req | After/before CPU (median of rounds) | Errors |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    for op in "${OPS[@]}"; do
        bb=$(col "$op" base 6 | median); nb=$(col "$op" new 6 | median)
        bc=$(col "$op" base 7 | median); nc=$(col "$op" new 7 | median)
        # per-round ratio: the two windows of a round ran back to back, under the same load
        ratio=$(awk -F'\t' -v op="$op" '$2 == op { cpu[$1, $3] = $7 } END { for (k in cpu) { split(k, p, SUBSEP)
            if (p[2] == "new") print cpu[p[1], "new"] / cpu[p[1], "base"] } }' "$ROWS" | median)
        errors=$(awk -F'\t' -v op="$op" '$2 == op { e += $5 } END { print e + 0 }' "$ROWS")
        awk -v o="${OP_NAME[$op]}" -v bb="$bb" -v nb="$nb" -v bc="$bc" -v nc="$nc" -v r="$ratio" -v e="$errors" \
            'BEGIN { printf "| %s | %d | %d | %.2fx | %.3f | %.3f | %.2fx | %d |\n", o, bb, nb, nb / bb, bc, nc, r, e }'
    done
else
    echo "| Route | Bytes/req | CPU ms/req | Errors |"
    echo "|---|---:|---:|---:|"
    for op in "${OPS[@]}"; do
        errors=$(awk -F'\t' -v op="$op" '$2 == op { e += $5 } END { print e + 0 }' "$ROWS")
        printf '| %s | %d | %.3f | %d |\n' "${OP_NAME[$op]}" "$(col "$op" new 6 | median)" "$(col "$op" new 7 | median)" "$errors"
    done
fi
if [ "${JFR:-0}" = 1 ]; then
    for name in "${NAMES[@]}"; do kill "${PID_OF[$name]}"; wait "${PID_OF[$name]}" 2>/dev/null || true; done
    log "JFR recordings: $WORK/alloc-*.jfr (KEEP_WORK=1 keeps them)"
fi
