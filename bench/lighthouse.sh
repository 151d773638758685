#!/usr/bin/env bash
# Lighthouse's performance audit of the statement page with a lead image, a
# gallery and documents, served as `make serve` serves it (gunicorn, debug
# off, WhiteNoise; media by Django, as where no nginx stands in front).
#   bash bench/lighthouse.sh          (BENCH_PORT: the port, default 8400)
# Lighthouse is the npm package in package-lock.json, driving Debian's
# Chromium (CHROME_PATH); a fresh SQLite database with the demo content, and
# the pictures of the web checks (tests/library/conftest.py: illustrate).
# Prints the score and the metrics for mobile (Lighthouse's default: a
# mid-range phone on a slow 4G network, simulated) and desktop.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${BENCH_PORT:-8400}"
PY=.venv/bin/python
TMP="$(mktemp -d /tmp/lighthouse.XXXXXX)"
export DATABASE_URL="sqlite:///$TMP/db.sqlite3" DJANGO_SECRET_KEY=bench-only \
    DJANGO_MEDIA_ROOT="$TMP/media" DJANGO_ALLOWED_HOSTS=127.0.0.1 \
    CHROME_PATH=/usr/bin/chromium
unset REDIS_URL DJANGO_HTTPS

server_pid=""
cleanup() {
    if [ -n "$server_pid" ]; then kill -- "-$server_pid" 2>/dev/null || true; fi
    rm -rf "$TMP"
}
trap cleanup EXIT

make -s install
[ -x node_modules/.bin/lighthouse ] || npm ci --no-audit --no-fund
$PY manage.py migrate -v0
$PY manage.py load_demo >/dev/null
PAGE="$($PY manage.py shell -v0 -c "
from statements.models import Statement
from tests.library.conftest import illustrate
statement = Statement.objects.published().get(slug__contains='summit-for-democracy')
print(illustrate(statement).get_absolute_url())" | tail -n 1)"

PORT="$PORT" WEB_CONCURRENCY=1 setsid make -s serve >"$TMP/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
    curl -fs -o /dev/null "http://127.0.0.1:$PORT/healthz" && break
    sleep 0.2
done
URL="http://127.0.0.1:$PORT$PAGE"
echo "Lighthouse $(node_modules/.bin/lighthouse --version), $URL"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-8s %6s %8s %8s %8s %8s %8s\n" form score "FCP ms" "LCP ms" "TBT ms" "SI ms" CLS
for form in mobile desktop; do
    preset=()
    [ "$form" = desktop ] && preset=(--preset=desktop)
    node_modules/.bin/lighthouse "$URL" "${preset[@]}" --quiet \
        --only-categories=performance --output=json --output-path="$TMP/$form.json" \
        --chrome-flags="--headless=new --no-sandbox --disable-gpu"
    $PY - "$TMP/$form.json" "$form" <<'PYTHON'
import json, sys
report = json.load(open(sys.argv[1]))
audit = lambda name: report["audits"][name]["numericValue"]
print(f"{sys.argv[2]:<8} {report['categories']['performance']['score'] * 100:6.0f} "
      f"{audit('first-contentful-paint'):8.0f} {audit('largest-contentful-paint'):8.0f} "
      f"{audit('total-blocking-time'):8.0f} {audit('speed-index'):8.0f} "
      f"{audit('cumulative-layout-shift'):8.3f}")
PYTHON
done
