# Shared by the bench scripts: environment, starting and stopping the site,
# and wrk measurements. Source it from the repository root.

DB="${BENCH_DB:-bench}"
PORT="${BENCH_PORT:-8400}"
REDIS_DB="${BENCH_REDIS_DB:-2}"
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/${DB}"
export DJANGO_SECRET_KEY="bench-only"
export DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost"
export REDIS_URL="redis://127.0.0.1:6379/${REDIS_DB}"
PY=.venv/bin/python

make -s install
command -v wrk >/dev/null || { apt-get update -q && apt-get install -y -q wrk; }

# Servers run in their own process group, so stopping one stops its workers.
server_pid=""
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

# serve WORKERS: the site by `make serve` on $PORT, with a fresh shared cache.
serve() {
    stop_server
    redis-cli -n "$REDIS_DB" flushdb >/dev/null
    PORT="$PORT" WEB_CONCURRENCY="$1" setsid make -s serve >/tmp/bench-serve.log 2>&1 &
    server_pid=$!
    wait_for "http://127.0.0.1:$PORT/healthz"
}

# measure CONNECTIONS DURATION URL [wrk options]: one line, after a warm-up:
# requests/s, p50 ms, p99 ms, errors (5xx answers and socket errors). wrk
# gives up on an answer after 10 s (its default, 2 s, counted the slowest
# uncached searches as errors rather than as the latency they are).
measure() {
    local connections="$1" duration="$2" url="$3"
    shift 3
    wrk -t2 -c"$connections" -d"${WARMUP:-5s}" --timeout 10s "$@" "$url" >/dev/null
    wrk -t2 -c"$connections" -d"$duration" --timeout 10s --latency "$@" "$url" | awk '
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

# heading FIRST [EXTRA]: the column names of measure's line (and of one more).
heading() {
    printf "%-78s %10s %9s %9s %7s %7s\n" "$1" "req/s" "p50 ms" "p99 ms" "errors" "${2:-}"
}
