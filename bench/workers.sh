#!/usr/bin/env bash
# Which WEB_CONCURRENCY suits this machine: sync workers 2, 3, 4, 6 and 8 on
# uncached pages (random filter combinations) and a cached page, 8 connections.
#   BENCH_DB=bench bench/workers.sh   (after loading the archive with bench/run.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-15s}"
. bench/lib.sh

echo "== Worker counts on $(nproc) cores, 8 connections, $DURATION each"
heading "workers: page"
for workers in 2 3 4 6 8; do
    export DJANGO_PAGE_CACHE_SECONDS=600
    serve "$workers"
    printf "%-78s %s\n" "$workers: random filter combinations (uncached)" \
        "$(measure 8 "$DURATION" "http://127.0.0.1:$PORT" -s bench/random_filters.lua)"
    printf "%-78s %s\n" "$workers: /statements/ (cached)" \
        "$(measure 8 "$DURATION" "http://127.0.0.1:$PORT/statements/")"
done
