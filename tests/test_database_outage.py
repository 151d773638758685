"""With the database gone the site answers 503, and recovers when it returns.

The connection is really broken: the default database is pointed at a closed
port (PostgreSQL) or an impossible file (SQLite) and the connection closed.
"""

import os
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

from identity.models import SiteIdentity

pytestmark = pytest.mark.django_db(transaction=True)

PUBLIC_PAGES = ["/", "/statements/", "/statements/some-statement/", "/speakers/x/"]


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def silent_server():
    """A port that accepts connections and never says a word: a stalled server."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted = []

    def accept():
        while True:
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()
        for sock in accepted:
            sock.close()


@contextmanager
def database_unreachable(port=None):
    saved = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent-directory/database.sqlite3"
    else:
        connection.settings_dict.update(
            HOST="127.0.0.1", PORT=str(port or closed_port())
        )
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


@pytest.mark.parametrize("url", ["/ru/", "/ru/statements/"])
def test_the_503_page_is_in_the_pages_language_and_names_the_site(client, url):
    # This test's database starts empty, without the migration's row.
    SiteIdentity.objects.create(full_name_ru="Посольство России в Великобритании")
    client.get(url)  # the identity, read while the database answered

    with database_unreachable():
        response = client.get(url)

    page = response.content.decode()
    assert response.status_code == 503
    assert '<html lang="ru">' in page
    assert "Временно недоступно" in page
    assert "Посольство России в Великобритании" in page


def test_site_recovers_by_itself_when_the_database_returns(client, make_statement):
    statement = make_statement(title="Still here")

    with database_unreachable():
        assert client.get("/healthz").status_code == 503
        assert client.get(statement.get_absolute_url()).status_code == 503

    assert client.get("/healthz").content == b"ok"
    page = client.get(statement.get_absolute_url())
    assert page.status_code == 200
    assert "Still here" in page.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a server that stalls")
@pytest.mark.parametrize("url", ["/statements/", "/healthz"])
def test_a_stalled_database_gives_a_503_within_seconds(client, url):
    with silent_server() as port, database_unreachable(port):
        started = time.monotonic()
        response = client.get(url)
        took = time.monotonic() - started

    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert took < 5
    assert client.get(url).status_code == 200


def statement_timeout(code):
    """The statement_timeout a process running ``code`` (then a query) works with."""
    database = connection.settings_dict
    script = (
        f"{code}\n"
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    cursor.execute('SHOW statement_timeout')\n"
        "    print(cursor.fetchone()[0])\n"
    )
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SECRET_KEY": "test-only",
        "DJANGO_SETTINGS_MODULE": "embassy.settings",
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}"
            f"/{database['NAME']}"
        ),
    }
    return subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    ).stdout.strip()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL setting")
def test_web_requests_have_a_statement_timeout_and_commands_do_not():
    assert statement_timeout("import embassy.wsgi") == "3s"
    assert statement_timeout("import django; django.setup()") == "0"
