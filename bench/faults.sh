#!/usr/bin/env bash
# Database outage drill: serve the site on PostgreSQL database "faults", send
# light load, stop PostgreSQL, start it again, and print the response codes
# seen before, during and after. Expect 200s, then 503s (but for pages already
# in the shared cache), then 200s with no restart of the site. PostgreSQL is
# started again on exit, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_VERSION="$(ls /etc/postgresql | sort -n | tail -1)"
PORT="${PORT:-8765}"
ROUNDS="${ROUNDS:-30}"
SITE="http://127.0.0.1:$PORT"
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/faults"
export DJANGO_DEBUG=0 DJANGO_ALLOWED_HOSTS=127.0.0.1
export REDIS_URL="redis://127.0.0.1:6379/4"
DJANGO_SECRET_KEY="faults-drill-$(head -c 24 /dev/urandom | base64)"
export DJANGO_SECRET_KEY

cluster() { pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" main "$1"; }
postgres_up() { pg_isready -q -h 127.0.0.1 -p 5432; }

server_pid=""
cleanup() {
    # The server has its own process group: this stops gunicorn's workers too.
    if [ -n "$server_pid" ]; then kill -- "-$server_pid" 2>/dev/null || true; fi
    postgres_up || cluster start
}
trap cleanup EXIT

wait_for() {  # wait_for COMMAND...: up to 30 s
    for _ in $(seq 60); do "$@" && return 0; sleep 0.5; done
    echo "gave up waiting for: $*" >&2
    return 1
}

createdb -h 127.0.0.1 -U postgres faults 2>/dev/null || true
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py load_demo >/dev/null

redis-cli -n 4 flushdb >/dev/null
PORT="$PORT" WEB_CONCURRENCY=2 setsid make -s serve >/dev/null 2>&1 &
server_pid=$!
wait_for curl -sf -o /dev/null "$SITE/healthz"

load() {  # load PHASE: ROUNDS rounds over three pages; counts by status
    for _ in $(seq "$ROUNDS"); do
        for path in / /statements/ /healthz; do
            curl -s -o /dev/null --max-time 5 -w '%{http_code}\n' "$SITE$path"
        done
    done | sort | uniq -c | awk -v phase="$1" '{ printf "%-7s %s x %s\n", phase, $2, $1 }'
}

load before
cluster stop
load during
cluster start
wait_for postgres_up
load after
