#!/usr/bin/env bash
# Sustained load: 60 s at 32 connections on list, search and statement pages of
# the 100,000-statement archive (load it first with bench/run.sh or
# bench/import.sh), caching on, as in production. Prints throughput, latency,
# errors, and each worker's memory before and after, and its growth.
#   BENCH_DB=bench bench/load.sh
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-60s}"
CONNECTIONS=32
WORKERS="${WEB_CONCURRENCY:-3}"
. bench/lib.sh

# 3,000 paths: list pages deep and shallow, searches, statement pages.
psql -qtA -h 127.0.0.1 -U postgres -d "$DB" >/tmp/load-paths.txt <<'SQL'
SELECT '/statements/?page=' || (1 + floor(random() * 2000)::int)
FROM generate_series(1, 1000);
SELECT '/statements/?q=' || (ARRAY['sanctions', 'human+rights', 'nato', 'belarus',
    'union+state', 'migration', '"foreign+policy"', 'energy+-gas', 'arctic+OR+space'])
    [1 + floor(random() * 9)::int] || '&page=' || (1 + floor(random() * 3)::int)
FROM generate_series(1, 1000);
SELECT '/statements/' || slug || '/' FROM statements_statement
WHERE status = 'published' ORDER BY random() LIMIT 1000;
SQL

worker_memory() {
    # RSS in MB of each gunicorn worker (the children of the master).
    local master
    master=$(pgrep -f "gunicorn embassy.wsgi --bind 127.0.0.1:$PORT" | head -1)
    ps -o pid=,rss= --ppid "$master" | awk '{ printf "%s:%d ", $1, $2 / 1024 }'
}

export DJANGO_PAGE_CACHE_SECONDS=600
# Workers are not replaced during the run, so their growth shows.
export MAX_REQUESTS=0
serve "$WORKERS"
# Each worker imports and warms up first, so growth is what the load adds.
wrk -t2 -c"$CONNECTIONS" -d10s -s bench/paths.lua "http://127.0.0.1:$PORT" \
    >/dev/null 2>&1 </dev/null || true
before=$(worker_memory)
echo "== $CONNECTIONS connections for $DURATION, $WORKERS workers, caching on"
heading "mixed list, search and statement pages ($(wc -l </tmp/load-paths.txt) paths)"
printf "%-78s %s\n" "bench/paths.lua" "$(WARMUP=1s PATHS=/tmp/load-paths.txt \
    measure "$CONNECTIONS" "$DURATION" "http://127.0.0.1:$PORT" -s bench/paths.lua)"
after=$(worker_memory)
echo
echo "worker memory before (pid:MB): $before"
echo "worker memory after  (pid:MB): $after"
python3 - "$before" "$after" <<'PY'
import sys

before = dict(item.split(":") for item in sys.argv[1].split())
after = dict(item.split(":") for item in sys.argv[2].split())
for pid, mb in after.items():
    if pid in before:
        growth = int(mb) - int(before[pid])
        print(f"worker {pid}: {before[pid]} MB -> {mb} MB, growth {growth} MB")
    else:
        print(f"worker {pid}: new during the run (recycled by --max-requests)")
PY
