#!/usr/bin/env bash
# Hub cold start: time from `server run` to /health/ready answering 200, and the server's
# resident memory once ready, for a fresh data directory (the database is created and migrated).
# "clean" also discards Liberty's caches (--clean), the slowest start; "warm" reuses them.
#
#   benchmarks/startup.sh [runs per variant, default 3]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
wlp="$root/liberty/target/liberty/wlp"
runs="${1:-3}"
http=19180
grpc=15151

[ -f "$wlp/usr/servers/hub/apps/hub-server.war" ] || (cd "$root" && ./mvnw -q -B -pl liberty -am package -DskipTests)
command -v curl >/dev/null || { echo "startup.sh needs curl" >&2; exit 1; }

measure() { # $1 = clean|warm
    local data log start pid java ready rss elapsed
    data=$(mktemp -d)
    log=$(mktemp)
    start=$(date +%s%N)
    CC_DATA_DIR="$data" CC_HTTP_PORT=$http CC_GRPC_PORT=$grpc CC_HUB_ID=bench \
        "$wlp/bin/server" run hub $([ "$1" = clean ] && echo --clean) >"$log" 2>&1 &
    pid=$!
    until curl -sf "http://localhost:$http/health/ready" >/dev/null 2>&1; do
        kill -0 $pid 2>/dev/null || { echo "server died; log: $log" >&2; exit 1; }
        sleep 0.05
    done
    ready=$(date +%s%N)
    elapsed=$(( (ready - start) / 1000000 ))
    java=$(pgrep -f "ws-server.jar.*hub" | head -1)
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$java/status")
    kill -TERM "$java"
    wait $pid 2>/dev/null || true
    rm -rf "$data" "$log"
    printf '%s %d %d\n' "$1" "$elapsed" "$rss"
}

echo "| start | run | to /health/ready | RSS when ready |"
echo "|---|---:|---:|---:|"
for variant in clean warm; do
    for i in $(seq 1 "$runs"); do
        read -r v ms kb < <(measure "$variant")
        printf '| %s | %d | %.1f s | %d MiB |\n' "$v" "$i" "$(awk -v ms="$ms" 'BEGIN {print ms / 1000}')" $((kb / 1024))
    done
done
