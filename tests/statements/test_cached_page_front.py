"""Cached pages answered over HTTP by ``CachedPageFront``, before Django."""

import http.client
import io
import re

import pytest
from django.core.management import call_command
from django.core.signals import request_started
from django.test.testcases import LiveServerThread

from statements.caching import CachedPageFront
from statements.models import Statement

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
