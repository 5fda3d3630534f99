#!/usr/bin/env bash
# Benchmark: what the orchestrator adds on top of LiteLLM, measured side by side on one machine in one run.
# Usage: bench/run.sh            (from a fresh clone; writes bench/RESULTS.md)
# Knobs (environment): LATENCY_MS=5 DURATION=5 WARMUP=10 CONCURRENCY="1 16 64" STARTS=5 WORKSHOP_USERS=1000
#   WORKSHOP_CONCURRENCY=16 JAVA_OPTS="…" SKIP_BUILD=1 RESULTS=bench/RESULTS.md PRIORITY=0 (nice value)
#   KEEP_WORK=1 (keep the temporary folder: logs, tokens, raw rows)
set -euo pipefail
cd "$(dirname "$0")/.."

LATENCY_MS=${LATENCY_MS:-5}
DURATION=${DURATION:-5}
WARMUP=${WARMUP:-10}
CONCURRENCY=${CONCURRENCY:-"1 16 64"}
STARTS=${STARTS:-5}
WORKSHOP_USERS=${WORKSHOP_USERS:-1000}
WORKSHOP_CONCURRENCY=${WORKSHOP_CONCURRENCY:-16}
# A small fixed heap: the default (a quarter of RAM) lets an idle JVM grow to ~500 MB. C1 only: on 2 cores, C2's
# compile threads compete with requests for minutes and its arenas and code cache add ~60 MB of RSS, while C1-only
# measured the same req/s here. Fewer malloc arenas: glibc otherwise keeps one per thread that ever allocated.
JAVA_OPTS=${JAVA_OPTS:-"-Xms32m -Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=32m"}
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
RESULTS=${RESULTS:-bench/RESULTS.md}
LITELLM_PORT=${LITELLM_PORT:-18400}
IDP_PORT=${IDP_PORT:-18401}
SERVICE_PORT=${SERVICE_PORT:-18080}
MASTER_KEY=sk-bench-master-$RANDOM$RANDOM

# On a shared machine a negative nice value (root only) keeps other work from skewing the figures; inherited by all.
PRIORITY=${PRIORITY:-0}
[ "$PRIORITY" != 0 ] && renice -n "$PRIORITY" -p $$ >/dev/null

WORK=$(mktemp -d -t orchestrator-bench.XXXXXX)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    [ "${KEEP_WORK:-0}" = 1 ] || rm -rf "$WORK"
}
trap cleanup EXIT

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# ---- tools -------------------------------------------------------------------------------------------------
if ! command -v wrk >/dev/null; then
    log "installing wrk (Debian package)"
    if [ "$(id -u)" -eq 0 ]; then apt-get install -y -q wrk >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null; }
    else sudo apt-get install -y -q wrk >/dev/null || { sudo apt-get update -q >/dev/null && sudo apt-get install -y -q wrk >/dev/null; }
    fi
fi
command -v curl >/dev/null || { log "curl is required"; exit 1; }

if [ "${SKIP_BUILD:-0}" != 1 ]; then
    log "building (./mvnw -B -q package -DskipTests)"
    ./mvnw -B -q package -DskipTests
fi
CP='target/quarkus-app/lib/main/*'

# ---- stand-ins: LiteLLM (fixed latency) and the OIDC issuer ------------------------------------------------
log "starting the LiteLLM and OIDC stand-ins (latency ${LATENCY_MS} ms)"
LITELLM_PORT=$LITELLM_PORT IDP_PORT=$IDP_PORT LATENCY_MS=$LATENCY_MS MASTER_KEY=$MASTER_KEY OUT_DIR=$WORK \
    java -Xmx512m -cp "$CP" bench/StandIn.java >"$WORK/standin.log" 2>&1 &
STANDIN_PID=$!
PIDS+=("$STANDIN_PID")
for _ in $(seq 1 300); do grep -q READY "$WORK/standin.log" 2>/dev/null && break; sleep 0.1; done
grep -q READY "$WORK/standin.log" || { cat "$WORK/standin.log"; log "stand-in did not start"; exit 1; }

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

# CPU time (user + system) a process has used so far, in ms; per request it is a figure the machine's load cannot skew
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.0f", ($14 + $15) * 1000 / hz }' "/proc/$1/stat"; }

rss_mb() { awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# start_service <mode> <log>: starts the service and waits for the first authenticated 200; sets SVC_PID, SVC_MS
# (a third argument adds JVM options, e.g. the AppCDS archive)
start_service() {
    local mode=$1 out=$2 extra=${3:-} t0 pid code
    t0=$(now_ms)
    if [ "$mode" = jvm ]; then
        # shellcheck disable=SC2086
        LITELLM_BASE_URL=$LITELLM LITELLM_MASTER_KEY=$MASTER_KEY OIDC_AUTH_SERVER_URL=http://127.0.0.1:$IDP_PORT/realms/bench \
            QUARKUS_HTTP_PORT=$SERVICE_PORT java $JAVA_OPTS $extra -jar target/quarkus-app/quarkus-run.jar >"$out" 2>&1 &
    else
        LITELLM_BASE_URL=$LITELLM LITELLM_MASTER_KEY=$MASTER_KEY OIDC_AUTH_SERVER_URL=http://127.0.0.1:$IDP_PORT/realms/bench \
            QUARKUS_HTTP_PORT=$SERVICE_PORT "$NATIVE" -Xmx64m >"$out" 2>&1 &
    fi
    pid=$!
    PIDS+=("$pid")
    for _ in $(seq 1 3000); do
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 -H "Authorization: Bearer $USER_TOKEN" \
            "$SERVICE/users/$READER" || true)
        [ "$code" = 200 ] && { SVC_PID=$pid; SVC_MS=$(( $(now_ms) - t0 )); return 0; }
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.01
    done
    cat "$out" >&2
    log "service ($mode) did not answer"
    exit 1
}

stop_service() {
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

# The three operations: service request and the equivalent LiteLLM call made directly with the master key.
OPS=(get_user list_keys create_key)
declare -A OP_NAME=(
    [get_user]="GET /users/{id}"
    [list_keys]="GET /users/{id}/keys"
    [create_key]="POST /users/{id}/keys")
declare -A OP_DIRECT=(
    [get_user]="GET /user/info"
    [list_keys]="GET /key/list"
    [create_key]="POST /key/generate")
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

MODES=(jvm)
NATIVE=$(ls target/*-runner 2>/dev/null | head -1 || true)
[ -n "$NATIVE" ] && [ -x "$NATIVE" ] && MODES+=(native)

ROWS="$WORK/rows.tsv"
: >"$ROWS"
declare -A START_MS QUARKUS_START IDLE_RSS LOAD_RSS WORKSHOP
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
CDS_ARCHIVE=$WORK/app-cds.jsa

for mode in "${MODES[@]}"; do
    # -- start-up: median of STARTS fresh starts, to the first successful authenticated request --
    : >"$WORK/starts-$mode"
    for i in $(seq 1 "$STARTS"); do
        start_service "$mode" "$WORK/start-$mode-$i.log"
        stop_service "$SVC_PID"
        echo "$SVC_MS" >>"$WORK/starts-$mode"
        log "$mode start $i: ${SVC_MS} ms to the first authenticated 200"
    done
    START_MS[$mode]=$(median <"$WORK/starts-$mode")
    QUARKUS_START[$mode]=$(grep -ho 'started in [0-9.]*s' "$WORK"/start-"$mode"-*.log | grep -o '[0-9.]*' | sort -n \
        | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
    if [ "$mode" = jvm ]; then
        # the same starts with an application class-data archive (AppCDS), made by one training start
        start_service jvm "$WORK/cds-training.log" "-XX:ArchiveClassesAtExit=$CDS_ARCHIVE"
        stop_service "$SVC_PID"
        : >"$WORK/starts-jvm-cds"
        if [ -s "$CDS_ARCHIVE" ]; then
            for i in $(seq 1 "$STARTS"); do
                start_service jvm "$WORK/start-cds-$i.log" "-XX:SharedArchiveFile=$CDS_ARCHIVE"
                stop_service "$SVC_PID"
                echo "$SVC_MS" >>"$WORK/starts-jvm-cds"
                log "jvm+AppCDS start $i: ${SVC_MS} ms to the first authenticated 200"
            done
            START_MS[jvm-cds]=$(median <"$WORK/starts-jvm-cds")
        fi
    fi

    # -- load: one long-lived instance --
    start_service "$mode" "$WORK/service-$mode.log"
    pid=$SVC_PID
    sleep 2
    IDLE_RSS[$mode]=$(rss_mb "$pid")
    log "$mode idle RSS ${IDLE_RSS[$mode]} MB; warming up ${WARMUP} s per operation"
    for op in "${OPS[@]}"; do service_point "$op" 16 "$WARMUP" >/dev/null; direct_point "$op" 16 2 >/dev/null; done
    for op in "${OPS[@]}"; do
        for c in $CONCURRENCY; do
            cpu0=$(cpu_ms "$STANDIN_PID")
            direct=$(direct_point "$op" "$c" "$DURATION")
            cpu1=$(cpu_ms "$STANDIN_PID")
            svc0=$(cpu_ms "$pid")
            service=$(service_point "$op" "$c" "$DURATION")
            cpu2=$(cpu_ms "$pid")
            cpu3=$(cpu_ms "$STANDIN_PID")
            # CPU ms per request: the stand-in for the direct run; the service (and the stand-in under it) for the other
            cpu=$(awk -v d="$direct" -v s="$service" -v sd=$(( cpu1 - cpu0 )) -v ss=$(( cpu2 - svc0 )) \
                -v su=$(( cpu3 - cpu1 )) 'BEGIN { split(d, a, " "); split(s, b, " ");
                    printf "%.3f %.3f %.3f", sd / a[6], ss / b[6], su / b[6] }')
            log "$mode ${OP_NAME[$op]} c=$c direct[$direct] service[$service] cpu-ms/req[$cpu]"
            printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$mode" "$op" "$c" "$direct" "$service" "$cpu" >>"$ROWS"
        done
    done
    LOAD_RSS[$mode]=$(rss_mb "$pid")

    # -- workshop: WORKSHOP_USERS attendees, user + key each, bounded concurrency --
    WORKSHOP[$mode]=$(java bench/Workshop.java "$SERVICE" "$WORK/admin.jwt" "$WORKSHOP_USERS" \
        "$WORKSHOP_CONCURRENCY" "$mode$RANDOM" | awk '/^WORKSHOP/ { $1=""; print substr($0, 2) }')
    WORKSHOP_RSS=$(rss_mb "$pid")
    WORKSHOP[$mode]="${WORKSHOP[$mode]} $WORKSHOP_RSS"
    log "$mode workshop [${WORKSHOP[$mode]}] (seconds keys/s errors keys rss)"
    stop_service "$pid"
done

LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- report ------------------------------------------------------------------------------------------------
{
    echo "# Benchmark results"
    echo
    echo "Produced by \`bench/run.sh\` on $(date -u +'%Y-%m-%d %H:%M UTC'): $(nproc) cores," \
        "$(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo) RAM," \
        "JDK $(java -version 2>&1 | head -1 | sed 's/.*version "\([^"]*\)".*/\1/') ($(java -version 2>&1 | sed -n 2p))," \
        "wrk $(wrk -v 2>&1 | head -1 | awk '{ print $2 }'). Load average before the run: $LOAD_BEFORE; after: $LOAD_AFTER; nice $PRIORITY."
    echo
    echo "Set-up: one LiteLLM stand-in (\`bench/StandIn.java\`, Vert.x, answers after a fixed ${LATENCY_MS} ms) and an OIDC"
    echo "issuer stand-in (discovery + JWKS; tokens are real RS256 JWTs the service verifies). Service JVM options:"
    echo "\`${JAVA_OPTS}\`, \`MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX\`. Each point: wrk for ${DURATION} s after a ${WARMUP} s warm-up; wrk, the stand-in and the"
    echo "service share the machine. \"Direct\" is the LiteLLM call the route makes, sent straight to the stand-in with"
    echo "the master key. Ideal throughput of the stand-in at concurrency c is c × 1000 / ${LATENCY_MS} req/s."
    echo "\`POST /users/{id}/keys\` makes two LiteLLM calls in sequence (\`/user/info\` for the field policy, then"
    echo "\`/key/generate\`), so its floor is one extra stand-in round trip (≈ ${LATENCY_MS} ms) above the direct call."
    for mode in "${MODES[@]}"; do
        echo
        echo "## $mode"
        echo
        echo "| Operation (direct call) | c | Direct req/s | Service req/s | Service/direct | Direct p50 | Service p50 | Added p50 | Direct p99 | Service p99 | Added p99 | Errors (svc) | CPU ms/req: stand-in direct, service, stand-in via service |"
        echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        for op in "${OPS[@]}"; do
            awk -F'\t' -v mode="$mode" -v op="$op" -v name="${OP_NAME[$op]}" -v dname="${OP_DIRECT[$op]}" '
                $1 == mode && $2 == op {
                    split($4, d, " "); split($5, s, " "); split($6, u, " ")
                    printf "| %s (%s) | %d | %.0f | %.0f | %.2f | %.2f ms | %.2f ms | %+.2f ms | %.2f ms | %.2f ms | %+.2f ms | %d | %.3f, %.3f, %.3f |\n",
                        name, dname, $3, d[1], s[1], s[1] / d[1], d[2] / 1000, s[2] / 1000, (s[2] - d[2]) / 1000,
                        d[3] / 1000, s[3] / 1000, (s[3] - d[3]) / 1000, s[4] + s[5], u[1], u[2], u[3] }' "$ROWS"
        done
        read -r ws_s ws_rate ws_err ws_keys ws_rss <<<"${WORKSHOP[$mode]}"
        echo
        echo "| Measure | Value |"
        echo "|---|---|"
        echo "| Start-up to first authenticated 200 (median of $STARTS; all: $(paste -sd, "$WORK/starts-$mode") ms) | ${START_MS[$mode]} ms |"
        echo "| Quarkus' own \"started in\" (median) | ${QUARKUS_START[$mode]:-n/a} s |"
        if [ "$mode" = jvm ] && [ -n "${START_MS[jvm-cds]:-}" ]; then
            echo "| Start-up with AppCDS (\`-XX:SharedArchiveFile\`, median of $STARTS; all: $(paste -sd, "$WORK/starts-jvm-cds") ms) | ${START_MS[jvm-cds]} ms |"
        fi
        echo "| RSS idle (after the first request) | ${IDLE_RSS[$mode]} MB |"
        echo "| RSS after the load above | ${LOAD_RSS[$mode]} MB |"
        echo "| RSS after the workshop | ${ws_rss} MB |"
        echo "| Workshop: $WORKSHOP_USERS users + $WORKSHOP_USERS keys, $WORKSHOP_CONCURRENCY attendees in flight | ${ws_s} s, ${ws_rate} keys/s, ${ws_err} errors ($ws_keys keys) |"
        echo
        echo "Targets (at concurrency 16 where it applies; \"miss\" is reported, not hidden):"
        echo
        echo "| Target | Measured | |"
        echo "|---|---|---|"
        for op in "${OPS[@]}"; do
            awk -F'\t' -v mode="$mode" -v op="$op" -v name="${OP_NAME[$op]}" '
                function verdict(ok) { return ok ? "met" : "**miss**" }
                $1 == mode && $2 == op && $3 == 16 {
                    split($4, d, " "); split($5, s, " ")
                    a50 = (s[2] - d[2]) / 1000; a99 = (s[3] - d[3]) / 1000; r = s[1] / d[1]
                    printf "| %s added p50 ≤ 1 ms | %+.2f ms | %s |\n", name, a50, verdict(a50 <= 1)
                    # below zero means the direct run was the noisier one: no verdict either way
                    printf "| %s added p99 ≤ 3 ms | %+.2f ms | %s |\n", name, a99,
                        a99 < 0 ? "inconclusive (direct p99 noisier)" : verdict(a99 <= 3)
                    printf "| %s throughput ≥ 0.8 × direct | %.2f × | %s |\n", name, r, verdict(r >= 0.8) }' "$ROWS"
        done
        verdict() { if [ "$1" = 1 ]; then echo met; else echo "**miss**"; fi; }
        echo "| Start-up ≤ 1 s | ${START_MS[$mode]} ms | $(verdict $(( START_MS[$mode] <= 1000 ))) |"
        echo "| RSS under load ≤ 150 MB | ${LOAD_RSS[$mode]} MB (after workshop ${ws_rss} MB) | $(verdict $(( LOAD_RSS[$mode] <= 150 ))) |"
        echo "| Workshop ≤ 10 s, 0 errors | ${ws_s} s, ${ws_err} errors | $(verdict "$(awk -v s="$ws_s" -v e="$ws_err" 'BEGIN { print (s <= 10 && e == 0) ? 1 : 0 }')") |"
    done
} >"$RESULTS.tmp"
mv "$RESULTS.tmp" "$RESULTS"
log "wrote $RESULTS"
cat "$RESULTS"
