#!/usr/bin/env bash
# Import the 100,000-statement data set into a fresh PostgreSQL database and
# print the wall time and peak memory of the import.
#   bench/import.sh [COUNT]     (default 100000; the data set is cached in /tmp)
set -euo pipefail
cd "$(dirname "$0")/.."

COUNT="${1:-100000}"
SHARED="${SHARED:-../shared}"
DATA="/tmp/statements-${COUNT}-seed1.jsonl"
DB="${BENCH_DB:-bench_import}"
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/${DB}"
export DJANGO_SECRET_KEY="bench-only"
PY=.venv/bin/python

make -s install
if [ ! -s "$DATA" ]; then
    python3 "$SHARED/bench/make_dataset.py" --count "$COUNT" --seed 1 > "$DATA.tmp"
    mv "$DATA.tmp" "$DATA"
fi
psql -q -h 127.0.0.1 -U postgres -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $DB" \
    -c "CREATE DATABASE $DB"
$PY manage.py migrate -v0

echo "Importing $(wc -l < "$DATA") lines ($(du -h "$DATA" | cut -f1)) into $DB"
/usr/bin/time -f "%e %M" -o /tmp/import-time-$DB.txt \
    $PY manage.py import_statements "$DATA" 2>/tmp/import-progress-$DB.txt | tail -1
read -r seconds peak_kb < /tmp/import-time-$DB.txt
echo "wall time: ${seconds} s"
echo "peak memory (max RSS): $((peak_kb / 1024)) MB"
psql -q -t -h 127.0.0.1 -U postgres -d "$DB" -c \
    "SELECT 'statements ' || count(*) FROM statements_statement UNION ALL
     SELECT 'turns ' || count(*) FROM statements_turn"

# The list as a visitor finds it right after the import, with no manual
# ANALYZE: the count it shows against the truth, and a deep page.
# (Pages link the hashed stylesheet: a fresh checkout has none collected yet.)
DJANGO_DEBUG=0 $PY manage.py collectstatic --noinput -v0
DJANGO_ALLOWED_HOSTS=testserver $PY manage.py shell -v0 -c '
import re
from django.test import Client
from statements.models import Statement
client = Client()
page = client.get("/statements/").content.decode()
said = re.search(r"(About )?([0-9,]+) statements", page)
shown, true = int(said[2].replace(",", "")), Statement.objects.published().count()
print(f"list says: {said[0]!r}; true: {true}; off by {abs(shown - true) / true:.1%}")
print("/statements/?page=2000:", client.get("/statements/?page=2000").status_code)
'
