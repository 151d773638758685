"""Print each public page's queries per request and any sequential scan of the
statements table in their plans, against the database in DATABASE_URL.

    DATABASE_URL=postgres://...@127.0.0.1:5432/bench .venv/bin/python \
        bench/explain.py PATH...

Requests go through Django's test client with caching off, so every query runs;
each SELECT is then explained (EXPLAIN, FORMAT JSON). Exits 1 when a plan scans
statements_statement sequentially, or when a compiled query (prepared, run by
EXECUTE) takes more than GENERIC_LIMIT_MS with the generic plan PostgreSQL may
come to use for it, made without its values ("generic ms": the slowest).
"""

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "embassy.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
os.environ["DJANGO_PAGE_CACHE_SECONDS"] = "0"

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

TABLE = "statements_statement"
GENERIC_LIMIT_MS = 10


def sequential_scans(plan):
    found = []
    if plan.get("Node Type") == "Seq Scan" and plan.get("Relation Name") == TABLE:
        found.append(plan)
    for child in plan.get("Plans", []):
        found += sequential_scans(child)
    return found


def generic_plan_ms(cursor, execute):
    """How long a prepared statement runs with its generic plan."""
    cursor.execute("SET plan_cache_mode = force_generic_plan")
    try:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {execute}")
        plan = cursor.fetchone()[0]
    finally:
        cursor.execute("RESET plan_cache_mode")
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return plan[0]["Execution Time"]


def main(paths):
    setup_test_environment()
    client = Client(HTTP_HOST="127.0.0.1")
    failures = 0
    print(
        f"{'path':<75} {'status':>6} {'queries':>7} {'ms':>7} {'generic ms':>10}  plans"
    )
    for path in paths:
        # Warm the database's own caches; the compiled queries are prepared on
        # their second run.
        client.get(path)
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
        scans = []
        with connection.cursor() as cursor:
            for query in captured.captured_queries:
                # A compiled query runs what its connection prepared (EXECUTE).
                if not query["sql"].lstrip().upper().startswith(("SELECT", "EXECUTE")):
                    continue
                cursor.execute("EXPLAIN (FORMAT JSON) " + query["sql"])
                plan = cursor.fetchone()[0]
                plan = json.loads(plan) if isinstance(plan, str) else plan
                scans += sequential_scans(plan[0]["Plan"])
            generic = max(
                (
                    generic_plan_ms(cursor, query["sql"])
                    for query in captured.captured_queries
                    if query["sql"].startswith("EXECUTE")
                ),
                default=0,
            )
        verdict = f"SEQ SCAN of {TABLE} x{len(scans)}" if scans else "indexed"
        if generic > GENERIC_LIMIT_MS:
            verdict += ", a slow generic plan"
        failures += bool(scans) or generic > GENERIC_LIMIT_MS
        print(
            f"{path:<75} {response.status_code:>6} {len(captured):>7} "
            f"{elapsed:>7.1f} {generic:>10.2f}  {verdict}"
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
