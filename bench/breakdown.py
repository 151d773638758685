"""Where an uncached page's time goes, path by path, against DATABASE_URL.

    DATABASE_URL=postgres://...@127.0.0.1:5432/bench DJANGO_ALLOWED_HOSTS=127.0.0.1 \
        .venv/bin/python bench/breakdown.py PATH...

Each path is asked ROUNDS times (default 60) through Django's test client
with caching off, after five requests to warm the database's caches; prints
medians in ms. "wall" is the request's time and "sql" the time spent waiting
for queries; the rest of the columns are this process's CPU time, which
other work on the machine disturbs far less than wall time: "cpu" in all,
then its parts, each without the parts it calls: "render" (the templates,
and what they call: properties, URLs, dates), "pages" (the paginator:
counting the matches, reading a page's rows and their prefetches),
"choices" (the filter form's speaker and topic <select>s, their queries
included), "header" (the date, clocks, contact lines and counters),
"identity" (the site's names), and "other" (middleware, the view, forms,
the ORM outside those parts).
"""

import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "embassy.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
os.environ["DJANGO_PAGE_CACHE_SECONDS"] = "0"

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from counters import context_processors as header  # noqa: E402
from embassy.templating import Template  # noqa: E402
from identity import context_processors as identity  # noqa: E402
from statements.filters import Select  # noqa: E402
from statements.pagination import ArchivePaginator  # noqa: E402

ROUNDS = int(os.environ.get("ROUNDS", "60"))
spent = defaultdict(float)
# CPU time of the parts running, innermost last: each part's own time
# leaves out the parts it calls.
running = []


def timed(owner, name, part):
    original = getattr(owner, name)

    def wrapper(*args, **kwargs):
        started = time.process_time()
        running.append(0.0)
        try:
            return original(*args, **kwargs)
        finally:
            elapsed = time.process_time() - started
            spent[part] += elapsed - running.pop()
            if running:
                running[-1] += elapsed

    setattr(owner, name, wrapper)


def timed_sql(execute, sql, params, many, context):
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        spent["sql"] += time.perf_counter() - started
        spent["queries"] += 1 / 1000


timed(Template, "render", "render")
timed(ArchivePaginator, "_find_matches", "pages")
timed(ArchivePaginator, "page", "pages")
timed(Select, "render", "choices")
timed(header, "header_html", "header")
timed(identity, "current_identity", "identity")

PARTS = ["wall", "sql", "cpu", "render", "pages", "choices", "header", "identity"]


def main(paths):
    client = Client(HTTP_HOST="127.0.0.1")
    print(
        f"{'path':<50} {'status':>6} {'queries':>7}",
        *(f"{p:>8}" for p in [*PARTS, "other"]),
    )
    for path in paths:
        for _ in range(5):
            client.get(path)
        rounds = defaultdict(list)
        for _ in range(ROUNDS):
            spent.clear()
            with connection.execute_wrapper(timed_sql):
                started, cpu = time.perf_counter(), time.process_time()
                status = client.get(path).status_code
                spent["cpu"] = time.process_time() - cpu
                spent["wall"] = time.perf_counter() - started
            spent["other"] = spent["cpu"] - sum(spent[part] for part in PARTS[3:])
            for part in [*PARTS, "other", "queries"]:
                rounds[part].append(spent[part] * 1000)
        print(
            f"{path[:50]:<50} {status:>6} {statistics.median(rounds['queries']):>7.0f}",
            *(f"{statistics.median(rounds[part]):8.1f}" for part in [*PARTS, "other"]),
        )


if __name__ == "__main__":
    main(sys.argv[1:])
