#!/usr/bin/env bash
# The worst searches people (and crawlers) send, on an archive already loaded,
# with caching off: each answer is computed. Prints each one's status,
# requests/s, p50 and p99 (8 connections; the errors column counts non-2xx
# answers, so a refused search shows every request there).
#
#   BENCH_DB=bench bench/searches.sh    (DURATION=, WARMUP=, BENCH_PORT=,
#                                        BENCH_REDIS_DB=, WEB_CONCURRENCY=)
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-10s}"
CONNECTIONS=8
WORKERS="${WEB_CONCURRENCY:-3}"
. bench/lib.sh

# Among the most frequent stems of the generated archive.
COMMON="russian+belarus+state"
TWENTY="russian+belarus+state+russia+union+right+un+foreign+including+international"
TWENTY+="+meeting+human+secretary+issue+general+november+continue+country+active+president"
PHRASE="%22the+foreign+ministry+of+russia%22"
SEARCHES=()
for words in "-zzz" "$COMMON" "$TWENTY" "$PHRASE"; do
    SEARCHES+=("/statements/?q=$words" "/statements/?q=$words&speaker=sergey-lavrov")
done

export DJANGO_PAGE_CACHE_SECONDS=0
serve "$WORKERS"
echo "== Worst-case searches, caching off ($WORKERS sync workers, $CONNECTIONS connections, $DURATION each)"
printf "%-6s " "status"
heading "search"
for path in "${SEARCHES[@]}"; do
    url="http://127.0.0.1:$PORT$path"
    printf "%-6s %-78s %s\n" "$(curl -s -o /dev/null -w '%{http_code}' "$url")" \
        "${path:0:78}" "$(measure "$CONNECTIONS" "$DURATION" "$url")"
done
