"""Redis shares cached pages and announces changes; the site never depends on it."""

import datetime
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from embassy.pagecache.generation import generation_follower, retire_pages
from statements.models import Statement

from .conftest import elsewhere, wait_until

ROOT = Path(__file__).resolve().parents[2]


def statement_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q for q in queries if "statements_statement" in q["sql"]]


@pytest.mark.django_db(transaction=True)
def test_a_change_in_another_process_retires_pages_cached_in_redis(
    client, demo, redis_cache
):
    follower = generation_follower()
    wait_until(lambda: follower.listening)
    client.get("/statements/")
    assert statement_queries(client, "/statements/") == []
    before = follower.generation.key

    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from embassy.pagecache.generation import retire_pages; retire_pages()",
        ],
        cwd=ROOT,
        env=elsewhere(REDIS_URL=redis_cache.url),
        check=True,
        capture_output=True,
    )

    # Announced on the channel: heard at once, long before the next poll.
    wait_until(lambda: follower.generation.key != before, seconds=1)
    assert statement_queries(client, "/statements/") != []


@pytest.mark.django_db(transaction=True)
def test_a_stalled_redis_costs_little_and_caching_resumes_by_itself(
    client, demo, redis_cache
):
    follower = generation_follower()
    wait_until(lambda: follower.listening)
    client.get("/statements/")

    redis_cache.stall()
    for url in ["/", "/statements/", "/statements/?kind=comment", "/healthz"]:
        started = time.monotonic()
        assert client.get(url).status_code == 200, url
        assert time.monotonic() - started < 2, url
    wait_until(lambda: not follower.listening)
    # Redis is left alone while it does not answer: the generation comes from
    # the database, pages from this process's memory or rendered afresh.
    started = time.monotonic()
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/statements/?kind=comment").status_code == 200
    assert time.monotonic() - started < 0.5
    assert "pagecache_generation" in queries[0]["sql"]

    redis_cache.resume()
    wait_until(lambda: follower.listening, seconds=10)
    client.get("/statements/?kind=transcript")
    assert statement_queries(client, "/statements/?kind=transcript") == []


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def node_b(redis_cache, transactional_db):
    """A second node: gunicorn serving the test database, sharing the Redis."""
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "embassy.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=ROOT,
        env=elsewhere(REDIS_URL=redis_cache.url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    wait_until(lambda: answers(f"{url}/healthz"), seconds=20)
    yield url
    server.terminate()
    server.wait()


def answers(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def page(url):
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


@pytest.mark.django_db(transaction=True)
def test_a_save_while_redis_is_unreachable_reaches_every_node(
    client, make_statement, redis_cache, node_b
):
    make_statement(title="Already out")
    follower = generation_follower()
    wait_until(lambda: follower.listening)
    for fetch in (
        lambda: client.get("/statements/").content.decode(),
        lambda: page(f"{node_b}/statements/"),
    ):
        assert "Already out" in fetch() and "Already out" in fetch()

    redis_cache.stall()
    withdrawn = Statement.objects.get(title="Already out")
    withdrawn.status = Statement.Status.DRAFT
    withdrawn.save()
    saved = time.monotonic()

    # This node never serves the old page...
    assert "Already out" not in client.get("/statements/").content.decode()
    # ...and the other stops within a few seconds, Redis or not.
    wait_until(lambda: "Already out" not in page(f"{node_b}/statements/"), seconds=5)
    print(f"node B dropped the page {time.monotonic() - saved:.1f} s after the save")

    redis_cache.resume()
    wait_until(lambda: follower.listening, seconds=10)
    assert "Already out" not in page(f"{node_b}/statements/")
    assert "Already out" not in client.get("/statements/").content.decode()


def test_without_redis_pages_are_rendered_and_saves_still_work(
    client, admin_client, make_statement, settings
):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
        },
    }
    draft = make_statement(
        title="Saved without a cache",
        status="draft",
        published_at=datetime.datetime(2021, 12, 1, tzinfo=datetime.UTC),
    )

    response = admin_client.post(
        "/admin/statements/statement/",
        {"action": "publish", "_selected_action": [draft.pk]},
    )

    assert response.status_code == 302
    for url in ["/", "/statements/", draft.get_absolute_url(), "/statements/rss/"]:
        page = client.get(url)
        assert page.status_code == 200, url
        assert "Saved without a cache" in page.content.decode(), url
    retire_pages()
