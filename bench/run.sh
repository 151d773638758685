#!/usr/bin/env bash
# The site under load on the 100,000-statement archive, with caching on and off.
#
#   bench/run.sh            load the data set into a fresh database, then measure
#   SKIP_LOAD=1 bench/run.sh   measure the database already loaded
#
# For each path: wrk with 8 connections for $DURATION after a warm-up; prints
# requests/s, p50 and p99 latency, errors (5xx and socket errors) and the
# queries per request. The floor is a bare Django view under the same gunicorn.
set -euo pipefail
cd "$(dirname "$0")/.."

DB="${BENCH_DB:-bench}"
PORT="${BENCH_PORT:-8400}"
DURATION="${DURATION:-30s}"
WARMUP="${WARMUP:-5s}"
CONNECTIONS=8
WORKERS="${WEB_CONCURRENCY:-4}"
REDIS_DB=2
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/${DB}"
export DJANGO_SECRET_KEY="bench-only"
export DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost"
export REDIS_URL="redis://127.0.0.1:6379/${REDIS_DB}"
PY=.venv/bin/python

make -s install
command -v wrk >/dev/null || { apt-get update -q && apt-get install -y -q wrk; }

if [ -z "${SKIP_LOAD:-}" ]; then
    BENCH_DB="$DB" bench/import.sh 100000
fi
psql -q -h 127.0.0.1 -U postgres -d "$DB" -c "VACUUM ANALYZE"
redis-cli -n "$REDIS_DB" flushdb >/dev/null
$PY manage.py migrate -v0
DJANGO_DEBUG=0 $PY manage.py collectstatic --noinput -v0

TRANSCRIPT=$(psql -qtA -h 127.0.0.1 -U postgres -d "$DB" -c \
    "SELECT slug FROM statements_statement WHERE kind = 'transcript'
     AND status = 'published' ORDER BY published_at DESC LIMIT 1")
PATHS=(
    "/"
    "/statements/"
    "/statements/?page=2000"
    "/statements/?speaker=sergey-lavrov&date_from=2015-01-01&date_to=2016-12-31"
    "/statements/?q=human+rights"
    "/statements/?q=sanctions&speaker=sergey-lavrov"
    "/statements/$TRANSCRIPT/"
)

echo
echo "== Queries per request and plans (no sequential scan of the statements table)"
$PY bench/explain.py "${PATHS[@]}" "/speakers/maria-zakharova/?page=50" \
    "/statements/?kind=interview&tag=nato&page=3" || echo "!! a plan scans the table"

server_pid=""
# Servers run in their own process group, so stopping one stops its workers.
stop_server() {
    if [ -n "$server_pid" ]; then
        kill -- "-$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=""
    fi
}
trap stop_server EXIT

wait_for() {
    for _ in $(seq 1 100); do
        curl -fs -o /dev/null "$1" && return 0
        sleep 0.2
    done
    echo "server did not answer at $1" >&2
    return 1
}

# wrk's output, one line: rps p50 p99 errors
measure() {
    local url="$1"; shift
    wrk -t2 -c"$CONNECTIONS" -d"$WARMUP" "$@" "$url" >/dev/null
    wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$@" "$url" | awk '
        function ms(v) {
            if (v ~ /us$/) return v / 1000
            if (v ~ /ms$/) return v + 0
            if (v ~ /s$/) return v * 1000
            return v
        }
        /^ +50%/ { p50 = ms($2) }
        /^ +99%/ { p99 = ms($2) }
        /^Requests\/sec/ { rps = $2 }
        /Non-2xx or 3xx responses/ { bad = $5 }
        /Socket errors/ { gsub(",", ""); sock = $4 + $6 + $8 + $10 }
        END { printf "%10.1f %9.2f %9.2f %7d\n", rps, p50, p99, bad + sock }'
}

serve() {
    stop_server
    PORT="$PORT" WEB_CONCURRENCY="$WORKERS" setsid make -s serve >/tmp/bench-serve.log 2>&1 &
    server_pid=$!
    wait_for "http://127.0.0.1:$PORT/healthz"
}

report() {
    printf "%-78s %10s %9s %9s %7s\n" "$1" "req/s" "p50 ms" "p99 ms" "errors"
}

echo
echo "== Floor: a bare Django view returning the home page's bytes, same gunicorn"
DJANGO_PAGE_CACHE_SECONDS=0 serve
curl -fs -o bench/floor-body.html "http://127.0.0.1:$PORT/"
stop_server
setsid .venv/bin/gunicorn --chdir bench floor_wsgi --bind "127.0.0.1:$PORT" \
    --workers "$WORKERS" --worker-class sync >/tmp/bench-floor.log 2>&1 &
server_pid=$!
wait_for "http://127.0.0.1:$PORT/"
report "path (floor)"
printf "%-78s %s\n" "/ (bare view, $(wc -c < bench/floor-body.html) bytes)" \
    "$(measure "http://127.0.0.1:$PORT/")"
stop_server
rm -f bench/floor-body.html

for mode in on off; do
    echo
    if [ "$mode" = on ]; then
        export DJANGO_PAGE_CACHE_SECONDS=600
    else
        export DJANGO_PAGE_CACHE_SECONDS=0
    fi
    redis-cli -n "$REDIS_DB" flushdb >/dev/null
    echo "== Caching $mode ($WORKERS sync workers, $CONNECTIONS connections, $DURATION each)"
    serve
    report "path"
    for path in "${PATHS[@]}"; do
        printf "%-78s %s\n" "$path" "$(measure "http://127.0.0.1:$PORT$path")"
    done
    printf "%-78s %s\n" "random filter combinations (bench/random_filters.lua)" \
        "$(measure "http://127.0.0.1:$PORT" -s bench/random_filters.lua)"
done
