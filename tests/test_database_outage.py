"""With the database gone the site answers 503, and recovers when it returns.

The connection is really broken: the default database is pointed at a closed
port (PostgreSQL) or an impossible file (SQLite) and the connection closed.
"""

import socket
from contextlib import contextmanager

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)

PUBLIC_PAGES = ["/", "/statements/", "/statements/some-statement/", "/speakers/x/"]


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def database_unreachable():
    saved = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent-directory/database.sqlite3"
    else:
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
    connection.close()
    try:
        yield
    finally:
        connection.settings_dict.update(saved)
        connection.close()


def test_healthz_says_ok_when_the_database_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.parametrize("url", [*PUBLIC_PAGES, "/healthz"])
def test_pages_answer_503_while_the_database_is_down(client, url):
    with database_unreachable():
        response = client.get(url)

    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "no-cache" in response["Cache-Control"]
    page = response.content.decode()
    assert "Temporarily unavailable" in page
    assert "Traceback" not in page and "OperationalError" not in page


def test_site_recovers_by_itself_when_the_database_returns(client, make_statement):
    statement = make_statement(title="Still here")

    with database_unreachable():
        assert client.get("/healthz").status_code == 503
        assert client.get(statement.get_absolute_url()).status_code == 503

    assert client.get("/healthz").content == b"ok"
    page = client.get(statement.get_absolute_url())
    assert page.status_code == 200
    assert "Still here" in page.content.decode()
