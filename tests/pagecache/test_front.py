"""Cached pages answered over HTTP by ``CachedPageFront``, before Django."""

import datetime
import http.client
import io
import re

import pytest
import time_machine
from django.core.cache import caches
from django.core.management import call_command
from django.core.signals import request_started
from django.test.testcases import LiveServerThread

from embassy.pagecache.pages import CachedPageFront
from statements.models import Statement

NOON = datetime.datetime(2021, 12, 4, 12, 0, 5, tzinfo=datetime.UTC)
SERVER_NOW = re.compile(rb'data-server-now="\d+"')


@pytest.fixture
def front(transactional_db):
    """The site over real HTTP, with the WSGI application ``make serve`` runs."""
    call_command("load_demo", stdout=io.StringIO())
    thread = LiveServerThread("127.0.0.1", CachedPageFront)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield thread.port
    thread.terminate()


@pytest.fixture
def django_requests():
    """The requests that reached Django's handler."""
    seen = []

    def count(**kwargs):
        seen.append(kwargs)

    request_started.connect(count)
    yield seen
    request_started.disconnect(count)


def get(port, path, **headers):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


def test_a_cached_page_is_answered_before_django_with_all_its_headers(
    front, django_requests
):
    first, first_body = get(front, "/statements/")
    assert len(django_requests) == 1

    again, body = get(front, "/statements/")

    assert len(django_requests) == 1
    assert again.status == 200
    assert SERVER_NOW.sub(b"", body) == SERVER_NOW.sub(b"", first_body)
    assert int(again.getheader("Content-Length")) == len(body)
    for name in [
        "Content-Type",
        "Content-Security-Policy",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "X-Frame-Options",
        "Permissions-Policy",
        "Vary",
    ]:
        assert again.getheader(name) == first.getheader(name), name
    assert again.getheader("Cache-Control") == "public, max-age=60"
    assert again.getheader("ETag")


def test_a_change_retires_the_page_at_once_and_drafts_never_show(
    front, django_requests, make_statement
):
    get(front, "/statements/")
    statement = make_statement(title="Published while cached")

    _, body = get(front, "/statements/")
    assert b"Published while cached" in body
    _, body = get(front, statement.get_absolute_url())
    assert b"Published while cached" in body

    statement.status = Statement.Status.DRAFT
    statement.save()
    _, body = get(front, "/statements/")
    assert b"Published while cached" not in body
    response, _ = get(front, statement.get_absolute_url())
    assert response.status == 404


def test_a_visitor_who_has_the_page_gets_304_from_the_front(front, django_requests):
    first, _ = get(front, "/")
    handled = len(django_requests)

    again, body = get(front, "/", **{"If-None-Match": first.getheader("ETag")})

    assert again.status == 304
    assert body == b""
    assert again.getheader("ETag") == first.getheader("ETag")
    assert len(django_requests) == handled


def test_signed_in_visitors_and_unknown_hosts_go_to_django(
    front, django_requests, admin_client
):
    get(front, "/statements/")

    session = admin_client.cookies["sessionid"].value
    signed_in, _ = get(front, "/statements/", Cookie=f"sessionid={session}")
    assert len(django_requests) == 2
    assert "public" not in (signed_in.getheader("Cache-Control") or "")

    unknown_host, _ = get(front, "/statements/", Host="attacker.example")
    assert unknown_host.status == 400
    assert len(django_requests) == 3


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"If-None-Match": "{etag}"}, 304),
        # nginx's gzip turns a strong ETag weak; If-None-Match compares weakly.
        ({"If-None-Match": "W/{etag}"}, 304),
        ({"If-None-Match": "*"}, 304),
        ({"If-None-Match": '"another-version"'}, 200),
        ({"If-Match": '"another-version"'}, 412),
        ({"If-Match": "{etag}"}, 200),
        ({"If-Match": "*"}, 200),
    ],
)
def test_conditional_requests_are_answered_alike_by_the_front_and_django(
    front, django_requests, headers, status
):
    url = "/statements/?kind=comment"
    with time_machine.travel(NOON, tick=True):
        etag = get(front, url)[0].getheader("ETag")
        headers = {name: value.format(etag=etag) for name, value in headers.items()}
        caches["local"].clear()
        handled = len(django_requests)
        from_django, _ = get(front, url, **headers)
        get(front, url)  # Stored now, if the answer above was not a 200.
        handled = len(django_requests)
        from_front, _ = get(front, url, **headers)
        assert len(django_requests) == handled

    assert from_django.status == from_front.status == status
    for answer in (from_django, from_front):
        assert answer.getheader("X-Content-Type-Options") == "nosniff"
        if status == 304:
            assert answer.getheader("ETag") == etag


def test_a_response_that_sets_a_cookie_is_never_public(front):
    # A stale session cookie: Django's answer deletes it.
    response, _ = get(front, "/statements/", Cookie="sessionid=expired")

    assert response.getheader("Set-Cookie")
    assert "public" not in response.getheader("Cache-Control")
    assert "private" in response.getheader("Cache-Control")
