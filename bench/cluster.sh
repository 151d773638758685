#!/usr/bin/env bash
# Two nodes on one machine: two `make serve` instances (ports 8301 and 8302)
# sharing PostgreSQL database "cluster", a Redis of their own and an S3 bucket
# (moto's S3 server on 8303) for uploaded files, behind nginx on 8300 (round
# robin, config rendered from bench/nginx-cluster.conf into a temporary
# directory). Then checks that sessions, cache invalidation, static files and
# uploaded pictures work whichever node answers. Prints PASS/FAIL per check
# and exits non-zero on any FAIL. Gunicorns, nginx, Redis and moto are
# stopped on exit.
#   bash bench/cluster.sh
#   LB_PORT=8416 PORT_A=8417 PORT_B=8418 REDIS_PORT=8419 S3_PORT=8431 \
#       CLUSTER_DB=bench15 bash bench/cluster.sh    (ports and database of your own)
set -euo pipefail
cd "$(dirname "$0")/.."

LB_PORT="${LB_PORT:-8300}"
PORT_A="${PORT_A:-8301}"
PORT_B="${PORT_B:-8302}"
S3_PORT="${S3_PORT:-8303}"
DB="${CLUSTER_DB:-cluster}"
A="http://127.0.0.1:$PORT_A"
B="http://127.0.0.1:$PORT_B"
LB="http://127.0.0.1:$LB_PORT"
ADMIN="/admin"
TITLE="Cluster check statement"
SLUG="cluster-check"
ROUNDS="${ROUNDS:-10}"
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
# A Redis of the drill's own, which step 5g stops and starts again.
REDIS_PORT="${REDIS_PORT:-6391}"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
export DJANGO_SECRET_KEY="cluster-test-only-not-secret"
export DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost"
export DJANGO_DEBUG=0 DJANGO_ADMIN_URL="admin/" WEB_CONCURRENCY=2
# Uploaded files in a bucket both nodes share: moto's S3 server, step 2.
export DJANGO_MEDIA_STORAGE=s3 AWS_STORAGE_BUCKET_NAME=embassy-media \
    AWS_S3_ENDPOINT_URL="http://127.0.0.1:$S3_PORT" AWS_S3_REGION_NAME=us-east-1 \
    AWS_S3_ADDRESSING_STYLE=path AWS_ACCESS_KEY_ID=cluster AWS_SECRET_ACCESS_KEY=cluster
unset DJANGO_HTTPS
PY=.venv/bin/python

TMP="$(mktemp -d /tmp/cluster-nginx.XXXXXX)"
JAR="$TMP/cookies.txt"
node_a="" node_b="" nginx_pid="" redis_pid="" s3_pid="" failures=0 passes=0

stop_group() {  # stop_group PGID: TERM the process group, KILL it after 15 s
    local pgid="$1"
    kill -TERM -- "-$pgid" 2>/dev/null || return 0
    for _ in $(seq 30); do
        kill -0 -- "-$pgid" 2>/dev/null || return 0
        sleep 0.5
    done
    kill -KILL -- "-$pgid" 2>/dev/null || true
}

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [ "$status" -ne 0 ] && [ -s "$TMP/error.log" ]; then
        echo "--- nginx error log (last lines)"
        tail -n 5 "$TMP/error.log"
    fi
    if [ -n "$nginx_pid" ]; then
        kill -TERM "$nginx_pid" 2>/dev/null || true
        wait "$nginx_pid" 2>/dev/null || true
    fi
    if [ -n "$redis_pid" ]; then kill "$redis_pid" 2>/dev/null || true; fi
    if [ -n "$s3_pid" ]; then kill "$s3_pid" 2>/dev/null || true; fi
    if [ -n "$node_a" ]; then stop_group "$node_a"; fi
    if [ -n "$node_b" ]; then stop_group "$node_b"; fi
    wait 2>/dev/null || true
    rm -rf "$TMP"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

pass() { passes=$((passes + 1)); echo "PASS  $*"; }
fail() { failures=$((failures + 1)); echo "FAIL  $*"; }
check() {  # check DESCRIPTION COMMAND...: PASS when the command succeeds
    local what="$1"
    shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}

port_free() { ! curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$1/"; }

wait_for_node() {  # wait_for_node URL PGID LOG: up to 90 s for /healthz to answer 200
    local url="$1" pgid="$2" log="$3"
    for _ in $(seq 180); do
        if [ "$(status "$url/healthz")" = 200 ]; then return 0; fi
        if ! kill -0 -- "-$pgid" 2>/dev/null; then
            echo "node for $url died; last lines of $log:" >&2
            tail -n 20 "$log" >&2
            return 1
        fi
        sleep 0.5
    done
    echo "gave up waiting for $url (see $log)" >&2
    return 1
}

start_node() {  # start_node PORT LOG: prints the process group id
    # setsid: make, the shell and gunicorn's master and workers share one
    # process group of their own, which cleanup stops as a whole.
    PORT="$1" setsid make -s serve </dev/null >"$2" 2>&1 &
    echo $!
}

# --- HTTP helpers (anonymous unless the name says admin)
status() { curl -s -o /dev/null --max-time 10 -w '%{http_code}' "$1" || true; }
page() { curl -s --max-time 10 "$1" || true; }
# Each node runs several worker processes, and any may answer a request: the
# checks below ask $ROUNDS times, so that a page left stale in one process
# (a per-process cache) is caught rather than missed by luck.
has_title() {  # has_title NODE: the list shows the title, every time
    for _ in $(seq "$ROUNDS"); do page "$1/statements/" | grep -qF "$TITLE" || return 1; done
}
lacks_title() {  # lacks_title NODE: the list answers without the title, every time
    local body
    for _ in $(seq "$ROUNDS"); do
        body="$(page "$1/statements/")"
        [ -n "$body" ] && ! grep -qF "$TITLE" <<<"$body" || return 1
    done
}
status_is() {  # status_is CODE URL: every time
    for _ in $(seq "$ROUNDS"); do [ "$(status "$2")" = "$1" ] || return 1; done
}
csrf() { awk '$6 == "csrftoken" { token = $7 } END { print token }' "$JAR"; }
admin_get() {  # admin_get URL: status code of a GET with the session, no redirects followed
    curl -s -o /dev/null --max-time 10 -w '%{http_code}' -b "$JAR" -c "$JAR" "$1" || true
}
admin_action() {  # admin_action NODE ACTION: changelist action on the statement
    local node="$1" action="$2" code
    code="$(curl -s -o /dev/null --max-time 10 -w '%{http_code}' -b "$JAR" -c "$JAR" \
        -H "Referer: $node$ADMIN/statements/statement/" \
        --data-urlencode "csrfmiddlewaretoken=$(csrf)" \
        --data-urlencode "action=$action" \
        --data-urlencode "_selected_action=$STATEMENT_ID" \
        --data-urlencode "select_across=0" --data-urlencode "index=0" \
        "$node$ADMIN/statements/statement/" || true)"
    [ "$code" = 302 ]
}
db_status() {
    psql -q -At -h 127.0.0.1 -U postgres -d "$DB" \
        -c "SELECT status FROM statements_statement WHERE slug = '$SLUG'"
}

started=$(date +%s)

# --- 1. Software
make -s install
if ! command -v nginx >/dev/null; then
    echo "Installing nginx (Debian package)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q --no-install-recommends nginx >/dev/null ||
        { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends nginx >/dev/null; }
fi

for port in "$LB_PORT" "$PORT_A" "$PORT_B" "$S3_PORT"; do
    port_free "$port" || { echo "port $port is in use: stop what runs there first" >&2; exit 1; }
done

# --- 2. Fresh database and cache, demo content, one draft to publish
psql -q -h 127.0.0.1 -U postgres -d postgres -c "SET client_min_messages = warning" \
    -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
start_redis() {
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
        --dir "$TMP" --logfile "$TMP/redis.log" &
    redis_pid=$!
    until redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; do sleep 0.05; done
}
stop_redis() { kill "$redis_pid"; wait "$redis_pid" 2>/dev/null || true; redis_pid=""; }
start_redis
.venv/bin/moto_server -H 127.0.0.1 -p "$S3_PORT" >"$TMP/moto.log" 2>&1 &
s3_pid=$!
until curl -s -o /dev/null "$AWS_S3_ENDPOINT_URL"; do sleep 0.2; done
# A bucket anyone may read, as the CDN or the public in front of it does.
$PY - <<'PYTHON'
import json, os
import boto3
bucket = os.environ["AWS_STORAGE_BUCKET_NAME"]
s3 = boto3.client("s3", endpoint_url=os.environ["AWS_S3_ENDPOINT_URL"])
s3.create_bucket(Bucket=bucket)
s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                   "Resource": f"arn:aws:s3:::{bucket}/*"}],
}))
PYTHON
echo "S3 (moto) up: $AWS_S3_ENDPOINT_URL, bucket $AWS_STORAGE_BUCKET_NAME"
$PY manage.py migrate --noinput -v0
PASSWORD="$($PY manage.py load_demo | sed -n 's|^Admin user created: admin / \([^ ]*\) .*|\1|p')"
[ -n "$PASSWORD" ] || { echo "load_demo printed no admin password" >&2; exit 1; }
STATEMENT_ID="$($PY manage.py shell -v0 -c "
from statements.models import Statement
s = Statement.objects.create(title='$TITLE', slug='$SLUG', status='draft',
                             body='A draft used by bench/cluster.sh.')
print(s.pk)" | tail -n 1)"
echo "Database $DB ready: demo content, draft statement id $STATEMENT_ID"

# --- 3. Two nodes, one after the other: each `make serve` runs collectstatic
# into the shared staticfiles/, and two at once would race on its files.
node_a="$(start_node "$PORT_A" /tmp/cluster-node-a.log)"
wait_for_node "$A" "$node_a" /tmp/cluster-node-a.log
node_b="$(start_node "$PORT_B" /tmp/cluster-node-b.log)"
wait_for_node "$B" "$node_b" /tmp/cluster-node-b.log
echo "Nodes up: $A and $B (WEB_CONCURRENCY=$WEB_CONCURRENCY each)"

# --- 4. nginx in front
chmod 755 "$TMP"  # nginx's workers (user nobody) write their temp files here
mkdir -p "$TMP/media"
sed -e "s|@DIR@|$TMP|g" -e "s|@LISTEN@|127.0.0.1:$LB_PORT|g" -e "s|@MEDIA@|$TMP/media|g" \
    -e "s|@NODE_A@|127.0.0.1:$PORT_A|g" -e "s|@NODE_B@|127.0.0.1:$PORT_B|g" \
    bench/nginx-cluster.conf >"$TMP/nginx.conf"
nginx -q -t -c "$TMP/nginx.conf" -p "$TMP" -e "$TMP/error.log"
nginx -c "$TMP/nginx.conf" -p "$TMP" -e "$TMP/error.log" </dev/null &
nginx_pid=$!
for _ in $(seq 20); do [ "$(status "$LB/healthz")" = 200 ] && break; sleep 0.25; done
echo "nginx up: $LB -> $PORT_A, $PORT_B"
echo

# --- 5a. Log in on node A; the same session works on node B
curl -s -o /dev/null --max-time 10 -c "$JAR" "$A$ADMIN/login/"
login="$(curl -s -o /dev/null --max-time 10 -w '%{http_code} %{redirect_url}' \
    -b "$JAR" -c "$JAR" -H "Referer: $A$ADMIN/login/" \
    --data-urlencode "csrfmiddlewaretoken=$(csrf)" --data-urlencode "username=admin" \
    --data-urlencode "password=$PASSWORD" --data-urlencode "next=$ADMIN/" \
    "$A$ADMIN/login/?next=$ADMIN/" || true)"
check "a. login on node A ($login)" [ "$login" = "302 $A$ADMIN/" ]
check "a. admin index on node A with the session: 200" [ "$(admin_get "$A$ADMIN/")" = 200 ]
check "a. same session on node B: admin index 200, not a redirect to login" \
    [ "$(admin_get "$B$ADMIN/")" = 200 ]
# As a browser does through nginx: with an Origin header, which Django's CSRF
# check compares with the Host nginx passes on (port included).
JAR_LB="$TMP/cookies-lb.txt"
curl -s -o /dev/null --max-time 10 -c "$JAR_LB" "$LB$ADMIN/login/"
login_lb="$(curl -s -o /dev/null --max-time 10 -w '%{http_code} %{redirect_url}' \
    -b "$JAR_LB" -c "$JAR_LB" -H "Origin: $LB" -H "Referer: $LB$ADMIN/login/" \
    --data-urlencode "csrfmiddlewaretoken=$(JAR="$JAR_LB" csrf)" \
    --data-urlencode "username=admin" --data-urlencode "password=$PASSWORD" \
    --data-urlencode "next=$ADMIN/" "$LB$ADMIN/login/?next=$ADMIN/" || true)"
check "a. login through nginx with an Origin header ($login_lb)" \
    [ "$login_lb" = "302 $LB$ADMIN/" ]

# --- 5b. Warm the cache (every node, every worker): the draft is not listed
check "b. list cached via node B, draft absent" lacks_title "$B"
check "b. list cached via node A, draft absent" lacks_title "$A"
check "b. list cached via nginx, draft absent" lacks_title "$LB"

# --- 5c. Publish through node A's admin; visible at once everywhere
check "c. publish action via node A (302)" admin_action "$A" publish
check "c. database says published" [ "$(db_status)" = published ]
check "c. listed at once via node B" has_title "$B"
check "c. listed at once via nginx" has_title "$LB"
for node in "$A" "$B" "$LB"; do  # this also caches the page on each node
    check "c. its page is 200 via $node" status_is 200 "$node/statements/$SLUG/"
done

# --- 5d. Unpublish through node B's admin (same session); hidden at once
check "d. unpublish action via node B (302)" admin_action "$B" unpublish
check "d. database says draft" [ "$(db_status)" = draft ]
check "d. gone at once from the list via node A" lacks_title "$A"
check "d. gone at once from the list via nginx" lacks_title "$LB"
check "d. its page is 404 via node A" status_is 404 "$A/statements/$SLUG/"
check "d. its page is 404 via node B" status_is 404 "$B/statements/$SLUG/"

# --- 5e. Static files: the hashed stylesheet, same bytes from every node
css="$(page "$LB/" | grep -o '/static/css/site\.[0-9a-f]\{12\}\.css' | head -n 1 || true)"
if [ -z "$css" ]; then
    fail "e. hashed stylesheet linked from the home page"
else
    pass "e. hashed stylesheet linked from the home page: $css"
    sums=""
    for node in "$A" "$B" "$LB"; do
        headers="$(curl -s --max-time 10 -D - -o "$TMP/css" -w '%{http_code}' "$node$css" || true)"
        check "e. $node$css: 200" [ "${headers##*$'\n'}" = 200 ]
        check "e. $node$css: far-future Cache-Control" \
            grep -qiE '^cache-control:.*(max-age=315360000|immutable)' <<<"$headers"
        sums+="$(sha256sum <"$TMP/css" | cut -c1-64)"$'\n'
    done
    check "e. identical bytes from node A, node B and nginx" \
        [ "$(sort -u <<<"$sums" | grep -c .)" = 1 ]
fi

# --- 5f. Round robin through nginx
for _ in $(seq 20); do
    curl -s -o /dev/null -D - --max-time 10 -w 'status %{http_code}\n' "$LB/" |
        tr -d '\r' | grep -iE '^(x-upstream:|status )' || true
done >"$TMP/rr.txt"
ok=$(grep -c '^status 200$' "$TMP/rr.txt" || true)
per_node="$(grep -i '^x-upstream:' "$TMP/rr.txt" | awk '{ print $2 }' | sort | uniq -c |
    awk '{ printf "%s%s x %s", sep, $2, $1; sep = ", " }')"
nodes=$(grep -i '^x-upstream:' "$TMP/rr.txt" | awk '{ print $2 }' | sort -u | grep -c . || true)
check "f. 20 requests to / via nginx: $ok answered 200" [ "$ok" = 20 ]
check "f. both nodes answered ($per_node)" [ "$nodes" = 2 ]

# --- 5g. Redis down during a change: it is never lost, and no node shows it late
seconds_until() {  # seconds_until COMMAND...: how long until it succeeds (max 15 s)
    local start now
    start=$(date +%s.%N)
    until "$@"; do
        now=$(date +%s.%N)
        if awk -v a="$start" -v b="$now" 'BEGIN { exit !(b - a > 15) }'; then
            echo "never"; return 1
        fi
        sleep 0.1
    done
    awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'
}
check "g. publish via node A (302)" admin_action "$A" publish
check "g. listed via node B and nginx (cached again)" has_title "$B"
has_title "$LB" >/dev/null
stop_redis
check "g. Redis stopped; unpublish via node A all the same (302)" admin_action "$A" unpublish
check "g. database says draft" [ "$(db_status)" = draft ]
check "g. node A never shows it again" lacks_title "$A"
if took="$(seconds_until lacks_title "$B")"; then
    check "g. node B stops showing it without Redis, after $took s (at most 5)" \
        awk -v t="$took" 'BEGIN { exit !(t <= 5) }'
else
    fail "g. node B stops showing it without Redis"
fi
start_redis
sleep 1
for node in "$A" "$B" "$LB"; do
    check "g. Redis back for 1 s: still gone via $node" lacks_title "$node"
done
check "g. publish via node B with Redis back (302)" admin_action "$B" publish
check "g. listed at once via node A: announcements flow again" has_title "$A"
check "g. unpublish via node B (302)" admin_action "$B" unpublish
check "g. gone at once from node A and nginx" lacks_title "$A"
check "g. gone at once via nginx" lacks_title "$LB"

# --- 5h. Scheduled publication: on time on every node, then served from the cache
etag() { curl -s -o /dev/null -D - --max-time 10 "$1/statements/" | tr -d '\r' |
    awk 'tolower($1) == "etag:" { print $2 }'; }
$PY manage.py shell -v0 -c "
import datetime
from django.utils import timezone
from statements.models import Statement
Statement.objects.filter(pk=$STATEMENT_ID).update(
    status='published', published_at=timezone.now() + datetime.timedelta(seconds=4))
from embassy.pagecache.generation import retire_pages
retire_pages()"
check "h. scheduled 4 s ahead: not listed yet via node A" lacks_title "$A"
check "h. scheduled 4 s ahead: not listed yet via node B" lacks_title "$B"
sleep 5
check "h. its time has come: listed via node A" has_title "$A"
check "h. its time has come: listed via node B" has_title "$B"
check "h. its time has come: listed via nginx" has_title "$LB"
generation() {
    psql -q -At -h 127.0.0.1 -U postgres -d "$DB" -c "SELECT number FROM pagecache_generation"
}
before="$(generation)"
etags="$(for _ in $(seq 20); do etag "$B"; done | sort -u | grep -c .)"
check "h. afterwards the generation stays put ($before, then $(generation))" \
    [ "$(generation)" = "$before" ]
# One ETag a minute: two at most if the minute turned meanwhile.
check "h. 20 requests to node B give $etags ETag(s): from the cache" [ "$etags" -le 2 ]
first_etag="$(etag "$B")"
code="$(curl -s -o /dev/null --max-time 10 -w '%{http_code}' \
    -H "If-None-Match: $first_etag" "$B/statements/")"
check "h. If-None-Match with that ETag: $code" [ "$code" = 304 ]

# --- 5i. A picture uploaded through node A's admin shows on node B, from S3
$PY - "$TMP/photo.jpg" <<'PYTHON'
import sys
from PIL import Image
Image.linear_gradient("L").resize((1600, 1000)).convert("RGB").save(sys.argv[1], quality=90)
PYTHON
curl -s -o /dev/null --max-time 10 -b "$JAR" -c "$JAR" "$A$ADMIN/library/image/add/"
upload="$(curl -s -o /dev/null --max-time 30 -w '%{http_code}' -b "$JAR" -c "$JAR" \
    -H "Referer: $A$ADMIN/library/image/add/" -F "csrfmiddlewaretoken=$(csrf)" \
    -F "upload=@$TMP/photo.jpg;type=image/jpeg" -F "alt=Cluster check photograph" \
    -F "credit=Photo: cluster" "$A$ADMIN/library/image/add/" || true)"
check "i. upload through node A's admin ($upload)" [ "$upload" = 302 ]
ILLUSTRATED="$($PY manage.py shell -v0 -c "
from library.models import Image
from statements.models import Statement
statement = Statement.objects.published().first()
statement.image_links.create(image=Image.objects.get(alt='Cluster check photograph'))
print(statement.get_absolute_url())" | tail -n 1)"
picture="$(page "$B$ILLUSTRATED" | grep -o "src=\"$AWS_S3_ENDPOINT_URL/[^\"]*\.jpg\"" | head -n 1 |
    sed 's/^src="//; s/"$//' || true)"
check "i. node B's page shows it at once, from the bucket (${picture:-none})" [ -n "$picture" ]
if [ -n "$picture" ]; then
    check "i. the bucket answers for it: 200 image/jpeg" \
        [ "$(curl -s -o /dev/null --max-time 10 -w '%{http_code} %{content_type}' "$picture")" = "200 image/jpeg" ]
fi
check "i. node B's admin library lists it" \
    grep -qF "Cluster check photograph" <<<"$(curl -s --max-time 10 -b "$JAR" "$B$ADMIN/library/image/")"

# --- 5j. Files under MEDIA_ROOT, as nginx serves them on one machine
mkdir -p "$TMP/media/documents/0123abcd"
printf '%%PDF-1.4\n%%%%EOF\n' >"$TMP/media/documents/0123abcd/note.pdf"
headers="$(curl -s -o /dev/null -D - --max-time 10 "$LB/media/documents/0123abcd/note.pdf" | tr -d '\r')"
check "j. nginx serves a document: application/pdf" grep -qi '^content-type: application/pdf' <<<"$headers"
check "j. ... with nosniff" grep -qi '^x-content-type-options: nosniff' <<<"$headers"
check "j. ... as a download" grep -qi '^content-disposition: attachment' <<<"$headers"
check "j. ... kept forever" grep -qi '^cache-control: .*immutable' <<<"$headers"

# --- 6. Summary
echo
echo "Summary: $passes passed, $failures failed in $(($(date +%s) - started)) s" \
    "(node logs: /tmp/cluster-node-a.log, /tmp/cluster-node-b.log)"
[ "$failures" = 0 ]
