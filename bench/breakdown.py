"""Where an uncached page's time goes, path by path, against DATABASE_URL.

    DATABASE_URL=postgres://...@127.0.0.1:5432/bench DJANGO_ALLOWED_HOSTS=127.0.0.1 \
        .venv/bin/python bench/breakdown.py PATH...

Each path is asked 20 times through Django's test client with caching off,
after one request to warm the database's caches; prints the median of each
part, in ms. "sql" is every query's time (as the client waits for it);
"render" the templates' own time, without the queries they run; "other" the
rest (view, middleware, forms, Python around the queries). "count" (the
paginator finding the matches) and "filters" (building and checking the
filter form) include their queries, so they overlap "sql" and "other".
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

import django_filters  # noqa: E402
from django.db import connection  # noqa: E402
from django.template.backends.django import Template  # noqa: E402
from django.test import Client  # noqa: E402

from statements.pagination import ArchivePaginator  # noqa: E402

ROUNDS = 20
spent = defaultdict(float)
active = []


def timed(owner, name, part):
    original = getattr(owner, name)

    def wrapper(*args, **kwargs):
        active.append(part)
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[part] += time.perf_counter() - started
            active.pop()

    setattr(owner, name, wrapper)


def timed_sql(execute, sql, params, many, context):
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        elapsed = time.perf_counter() - started
        spent["sql"] += elapsed
        spent["queries"] += 1 / 1000
        for part in set(active):
            spent[f"sql in {part}"] += elapsed


timed(Template, "render", "render")
timed(ArchivePaginator, "_find_matches", "count")
timed(django_filters.FilterSet, "is_valid", "filters")

PARTS = ["total", "sql", "render", "count", "filters", "other"]


def main(paths):
    client = Client(HTTP_HOST="127.0.0.1")
    print(f"{'path':<62} {'status':>6} {'queries':>7}", *(f"{p:>7}" for p in PARTS))
    for path in paths:
        client.get(path)
        rounds = defaultdict(list)
        for _ in range(ROUNDS):
            spent.clear()
            with connection.execute_wrapper(timed_sql):
                started = time.perf_counter()
                status = client.get(path).status_code
                spent["total"] = time.perf_counter() - started
            # Rendering's own time: the queries it runs are counted as SQL.
            spent["render"] -= spent["sql in render"]
            spent["other"] = spent["total"] - spent["sql"] - spent["render"]
            for part in [*PARTS, "queries"]:
                rounds[part].append(spent[part] * 1000)
        print(
            f"{path[:62]:<62} {status:>6} {statistics.median(rounds['queries']):>7.0f}",
            *(f"{statistics.median(rounds[part]):7.1f}" for part in PARTS),
        )


if __name__ == "__main__":
    main(sys.argv[1:])
