#!/usr/bin/env bash
# The site under load on the 100,000-statement archive, with caching on and off.
#
#   bench/run.sh            load the data set into a fresh database, then measure
#   SKIP_LOAD=1 bench/run.sh   measure the database already loaded
#   MODES=on bench/run.sh      caching on only (MODES=off: off only)
#
# The list's first page shows 20 thumbnails and the transcript's page a lead
# image, a gallery and two documents (bench/media.py).
#
# For each path: wrk with 8 connections for $DURATION after a warm-up; prints
# requests/s, p50 and p99 latency, errors (5xx and socket errors), and the
# requests/s as a share of the floor's: a bare Django view under the same
# gunicorn, measured first in the same run. Also the queries per request.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-30s}"
CONNECTIONS=8
WORKERS="${WEB_CONCURRENCY:-3}"
. bench/lib.sh

if [ -z "${SKIP_LOAD:-}" ]; then
    BENCH_DB="$DB" bench/import.sh 100000
fi
psql -q -h 127.0.0.1 -U postgres -d "$DB" -c "VACUUM ANALYZE"
redis-cli -n "$REDIS_DB" flushdb >/dev/null
$PY manage.py migrate -v0
DJANGO_DEBUG=0 $PY manage.py collectstatic --noinput -v0

# The newest transcript gets a lead image, a gallery and documents, and the
# first list page a thumbnail per statement (bench/media.py).
TRANSCRIPT=$($PY bench/media.py)
PATHS=(
    "/"
    "/statements/"
    "/statements/?page=2000"
    "/statements/?speaker=sergey-lavrov&date_from=2015-01-01&date_to=2016-12-31"
    "/statements/?q=human+rights"
    "/statements/$TRANSCRIPT/"
)

echo
echo "== Queries per request and plans (no sequential scan of the statements table)"
$PY bench/explain.py "${PATHS[@]}" "/statements/?q=sanctions&speaker=sergey-lavrov" \
    "/speakers/maria-zakharova/?page=50" \
    "/statements/?kind=interview&tag=nato&page=3" || echo "!! a plan scans the table"

echo
echo "== Floor: a bare Django view returning the home page's bytes, same gunicorn"
DJANGO_PAGE_CACHE_SECONDS=0 serve "$WORKERS"
curl -fs -o bench/floor-body.html "http://127.0.0.1:$PORT/"
stop_server
# The same gunicorn options as `make serve`, access log included.
setsid .venv/bin/gunicorn --chdir bench floor_wsgi --bind "127.0.0.1:$PORT" \
    --workers "$WORKERS" --worker-class sync --max-requests 100000 \
    --max-requests-jitter 10000 --access-logfile - --error-logfile - \
    >/tmp/bench-floor.log 2>&1 &
server_pid=$!
wait_for "http://127.0.0.1:$PORT/"
heading "path (floor)"
floor=$(measure "$CONNECTIONS" "$DURATION" "http://127.0.0.1:$PORT/")
printf "%-78s %s\n" "/ (bare view, $(wc -c < bench/floor-body.html) bytes)" "$floor"
FLOOR_RPS=$(echo "$floor" | awk '{print $1}')
stop_server
rm -f bench/floor-body.html

# of_floor FIGURES: a measurement line with its requests/s as a share of the floor's.
of_floor() {
    echo "$1" | awk -v floor="$FLOOR_RPS" '{ printf "%s %6.1f%%", $0, 100 * $1 / floor }'
}

for mode in ${MODES:-on off}; do
    echo
    if [ "$mode" = on ]; then
        export DJANGO_PAGE_CACHE_SECONDS=600
    else
        export DJANGO_PAGE_CACHE_SECONDS=0
    fi
    echo "== Caching $mode ($WORKERS sync workers, $CONNECTIONS connections, $DURATION each)"
    serve "$WORKERS"
    heading "path" "floor"
    for path in "${PATHS[@]}"; do
        printf "%-78s %s\n" "$path" \
            "$(of_floor "$(measure "$CONNECTIONS" "$DURATION" "http://127.0.0.1:$PORT$path")")"
    done
    # Twice: first with the shared cache as the paths above left it (random
    # combinations' list items not yet drawn), then again, as a site that has
    # been serving them for a while has it.
    for state in "cold" "warm"; do
        printf "%-78s %s\n" "random filter combinations ($state, bench/random_filters.lua)" \
            "$(of_floor "$(measure "$CONNECTIONS" "$DURATION" "http://127.0.0.1:$PORT" \
                -s bench/random_filters.lua)")"
    done
done
