"""Public pages come from the shared cache until public content changes."""

import datetime
import io
import json
import os
import subprocess
import sys
import urllib.request
import zoneinfo
from pathlib import Path

import pytest
import time_machine
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from counters.models import TrackedIncident
from embassy.pagecache.models import Generation
from statements.models import Speaker, Statement

from .conftest import elsewhere

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
PUBLIC_PAGES = [
    "/",
    "/statements/",
    "/statements/?kind=comment",
    "/speakers/sergey-lavrov/",
]


def test_a_cached_page_costs_one_query_for_the_generation_alone(client, demo):
    for url in PUBLIC_PAGES:
        # Within one minute, so the header's clocks read the same.
        with time_machine.travel(
            datetime.datetime(2021, 12, 4, 12, 0, 10, tzinfo=LONDON), tick=False
        ):
            first = client.get(url)
            with CaptureQueriesContext(connection) as queries:
                again = client.get(url)

        assert again.status_code == 200
        # Without Redis, each request asks the database which version is current.
        assert [q["sql"] for q in queries] == [
            q["sql"] for q in queries if "pagecache_generation" in q["sql"]
        ]
        assert len(queries) == 1, url
        assert again.content == first.content


def test_publish_edit_unpublish_and_delete_in_the_admin_show_at_once(
    admin_client, client, make_statement
):
    draft = make_statement(title="Embargoed text", status=Statement.Status.DRAFT)
    assert "Embargoed text" not in client.get("/statements/").content.decode()

    admin_client.post(
        "/admin/statements/statement/",
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    assert "Embargoed text" in client.get("/statements/").content.decode()
    assert client.get(draft.get_absolute_url()).status_code == 200

    draft.refresh_from_db()
    draft.title = "Corrected text"
    draft.save()
    page = client.get("/statements/").content.decode()
    assert "Corrected text" in page and "Embargoed text" not in page

    admin_client.post(
        "/admin/statements/statement/",
        {"action": "unpublish", "_selected_action": [draft.pk]},
    )
    assert "Corrected text" not in client.get("/statements/").content.decode()
    assert client.get(draft.get_absolute_url()).status_code == 404

    statement = make_statement(title="Soon deleted")
    assert "Soon deleted" in client.get("/statements/").content.decode()
    statement.delete()
    assert "Soon deleted" not in client.get("/statements/").content.decode()


def test_an_import_shows_at_once(client, demo, tmp_path):
    assert client.get("/statements/").context["paginator"].count == 11
    line = {"title": "Imported late", "published": "2021-12-02", "body": "Text."}
    file = tmp_path / "one.jsonl"
    file.write_text(json.dumps(line) + "\n")

    call_command(
        "import_statements", str(file), stdout=io.StringIO(), stderr=io.StringIO()
    )

    page = client.get("/statements/")
    assert page.context["paginator"].count == 12
    assert "Imported late" in client.get("/").content.decode()


def test_speaker_and_counter_changes_show_at_once(client, demo):
    client.get("/speakers/sergey-lavrov/")
    client.get("/")
    Speaker.objects.filter(slug="sergey-lavrov").update(position="Minister")
    Speaker.objects.get(slug="sergey-lavrov").save()
    incident = TrackedIncident.objects.get(title="Salisbury incident")
    incident.is_active = False
    incident.save()

    assert "Minister" in client.get("/speakers/sergey-lavrov/").content.decode()
    assert "Salisbury incident" not in client.get("/").content.decode()


def test_a_cached_page_never_shows_a_stale_time_or_day_count(client, demo):
    before_midnight = datetime.datetime(2021, 12, 4, 23, 59, tzinfo=LONDON)
    with time_machine.travel(before_midnight, tick=False):
        first = client.get("/statements/").content.decode()
    with (
        time_machine.travel(
            before_midnight + datetime.timedelta(minutes=2), tick=False
        ),
        CaptureQueriesContext(connection) as queries,
    ):
        cached = client.get("/statements/").content.decode()

    assert "4 December 2021" in first and "1371</strong>" in first
    assert "London: <time" in first and ">23:59</time>" in first
    assert not [q for q in queries if "statements_statement" in q["sql"]]
    assert "5 December 2021" in cached and "1372</strong>" in cached
    assert ">00:01</time>" in cached


def test_a_scheduled_statement_appears_on_cached_pages_when_its_time_comes(
    client, make_statement, settings
):
    settings.PAGE_CACHE_SECONDS = 3600
    now = timezone.now()
    make_statement(title="Already out")
    make_statement(
        title="Embargoed text", published_at=now + datetime.timedelta(minutes=2)
    )
    before = client.get("/statements/")
    assert "Embargoed text" not in before.content.decode()
    assert before.context["paginator"].count == 1

    with time_machine.travel(now + datetime.timedelta(minutes=2, seconds=1)):
        after = client.get("/statements/")
        home = client.get("/").content.decode()

    assert "Embargoed text" in after.content.decode()
    assert after.context["paginator"].count == 2
    assert "Embargoed text" in home


def test_staff_are_never_served_or_stored_in_the_public_cache(
    admin_client, client, make_statement
):
    draft = make_statement(title="Staff preview", status=Statement.Status.DRAFT)
    public = make_statement(title="Public text")

    # A staff visit stores nothing: the anonymous visitor still gets a 404.
    assert admin_client.get(draft.get_absolute_url()).status_code == 200
    assert client.get(draft.get_absolute_url()).status_code == 404
    # A page the public has cached is not what staff are served.
    client.get(public.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        staff_view = admin_client.get(public.get_absolute_url())
    assert len(queries) > 0
    assert "public" not in staff_view.get("Cache-Control", "")


def test_public_pages_send_cache_headers_and_answer_conditional_requests(client, demo):
    # Within one minute: the ETag changes with the header's minute.
    noon = datetime.datetime(2021, 12, 4, 12, 0, 10, tzinfo=LONDON)
    for url in PUBLIC_PAGES:
        with time_machine.travel(noon, tick=False):
            response = client.get(url)
            again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
        with time_machine.travel(noon + datetime.timedelta(minutes=1), tick=False):
            next_minute = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])

        assert "max-age=60" in response["Cache-Control"]
        assert "public" in response["Cache-Control"]
        assert again.status_code == 304, url
        assert again.content == b""
        assert next_minute.status_code == 200, url


def test_browser_cache_lifetime_ends_at_london_midnight(client, demo):
    with time_machine.travel(
        datetime.datetime(2021, 12, 4, 23, 59, 30, tzinfo=LONDON), tick=False
    ):
        response = client.get("/")

    assert "max-age=30" in response["Cache-Control"]


def test_caching_can_be_turned_off(client, demo, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/statements/")

    with CaptureQueriesContext(connection) as queries:
        client.get("/statements/")

    assert len(queries) > 0


def test_list_items_shared_between_lists_are_redrawn_after_a_change(
    client, make_statement, make_speaker
):
    speaker = make_speaker("Maria Zakharova")
    statement = make_statement(title="Shared item", kind="comment", speakers=[speaker])
    assert "Maria Zakharova" in client.get("/statements/?kind=comment").content.decode()

    speaker.name = "M. Zakharova"
    speaker.save()
    other_list = client.get(f"/statements/?speaker={speaker.slug}").content.decode()
    statement.title = "Shared item, corrected"
    statement.save()
    third_list = client.get(f"/speakers/{speaker.slug}/?kind=comment").content.decode()

    assert "M. Zakharova" in other_list and "Maria Zakharova" not in other_list
    assert "Shared item, corrected" in third_list


def test_scheduled_statements_appear_on_time_and_the_cache_then_holds(
    client, make_statement
):
    now = timezone.now()
    make_statement(title="Already out")
    make_statement(
        title="First embargo", published_at=now + datetime.timedelta(seconds=5)
    )
    make_statement(
        title="Second embargo", published_at=now + datetime.timedelta(seconds=9)
    )
    assert "embargo" not in client.get("/statements/").content.decode()

    with time_machine.travel(now + datetime.timedelta(seconds=6), tick=False):
        page = client.get("/statements/").content.decode()
    assert "First embargo" in page and "Second embargo" not in page

    later = now + datetime.timedelta(seconds=10)
    with time_machine.travel(later, tick=False):
        first = client.get("/statements/")
        number = Generation.objects.get().number
        again = [
            client.get("/statements/", HTTP_IF_NONE_MATCH=first["ETag"])
            for _ in range(5)
        ]
        with CaptureQueriesContext(connection) as queries:
            cached = client.get("/statements/")
    assert "Second embargo" in first.content.decode()
    # Past every scheduled time, the generation stays put: pages come from the cache.
    assert [response.status_code for response in again] == [304] * 5
    assert cached["ETag"] == first["ETag"]
    assert Generation.objects.get().number == number
    assert len(queries) == 1


def test_rescheduling_never_leaves_the_generation_rolling_over(client, make_statement):
    now = timezone.now()
    statement = make_statement(
        title="Moved", published_at=now + datetime.timedelta(minutes=5)
    )
    statement.published_at = now + datetime.timedelta(minutes=30)
    statement.save()
    statement.published_at = now + datetime.timedelta(minutes=1)
    statement.save()

    for minutes in (2, 6, 31):
        with time_machine.travel(now + datetime.timedelta(minutes=minutes), tick=False):
            client.get("/statements/")
            number = Generation.objects.get().number
            client.get("/statements/")
            client.get("/")
            assert Generation.objects.get().number == number, minutes
            assert "Moved" in client.get("/statements/").content.decode()


def test_the_etag_changes_with_every_version(client, make_statement):
    statement = make_statement(title="Version 1")
    noon = datetime.datetime(2021, 12, 4, 12, 0, 10, tzinfo=LONDON)
    etags = []
    with time_machine.travel(noon, tick=False):
        for number in range(2, 5):
            etags.append(client.get("/statements/")["ETag"])
            statement.title = f"Version {number}"
            statement.save()
    assert len(set(etags)) == 3


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("/statements/?page=01", "/statements/"),
        ("/statements/?page=1", "/statements/"),
        ("/statements/?&", "/statements/"),
        ("/statements/?kind=&q=&page=", "/statements/"),
        (
            "/statements/?utm_source=newsletter&kind=comment",
            "/statements/?kind=comment",
        ),
        (
            "/statements/?kind=comment&q=salisbury",
            "/statements/?q=salisbury&kind=comment",
        ),
        ("/statements/?date_from=4/12/2021", "/statements/?date_from=2021-12-04"),
        ("/speakers/sergey-lavrov/?page=%EF%BC%92", "/speakers/sergey-lavrov/?page=2"),
    ],
)
def test_another_form_of_a_list_address_redirects_to_its_one_address(
    client, demo, url, canonical
):
    response = client.get(url)

    assert response.status_code == 301
    assert response["Location"] == canonical


def resident_memory():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.django_db(transaction=True)
def test_junk_parameters_leave_no_entry_and_no_memory_behind(live_server):
    """Over real HTTP, as a worker serves them (the test client keeps state)."""
    from embassy.pagecache import memo

    call_command("load_demo", stdout=io.StringIO())
    opener = urllib.request.build_opener(NoRedirects)

    def junk(numbers):
        for number in numbers:
            url = [
                f"/statements/?x={number}",
                f"/statements/?kind=comment&j{number}=",
                f"/speakers/sergey-lavrov/?page=01&j{number}=1",
                f"/statements/rss/?x={number}",
            ][number % 4]
            with opener.open(live_server.url + url) as response:
                assert response.status in (200, 301), url

    junk(range(1_000))  # Warm: what a worker holds after its first requests.
    entries = len(caches["local"]._cache)
    memos = len(memo._memos["values"])
    growth = []
    for start in range(1_000, 7_000, 2_000):
        before = resident_memory()
        junk(range(start, start + 2_000))
        growth.append(resident_memory() - before)

    assert len(caches["local"]._cache) == entries
    assert len(memo._memos["values"]) == memos
    # A leak grows the process in every window, by 400 bytes a request or
    # more; the database's page cache and the allocator's arenas may still
    # grow once after the warm-up, then settle.
    assert min(growth[1:]) < 800_000, growth


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

    def http_error_301(self, request, response, *args):
        return response


@pytest.mark.django_db(transaction=True)
def test_with_the_default_settings_an_import_elsewhere_shows_on_the_next_request(
    live_server, tmp_path
):
    """No Redis: another process's change is read from the database."""
    from django.conf import settings as django_settings

    assert "locmem" in django_settings.CACHES["default"]["BACKEND"].lower()
    call_command("load_demo", stdout=io.StringIO())
    with urllib.request.urlopen(f"{live_server.url}/") as response:
        assert b"Imported elsewhere" not in response.read()
    line = {"title": "Imported elsewhere", "published": "2021-12-03", "body": "Text."}
    file = tmp_path / "one.jsonl"
    file.write_text(json.dumps(line) + "\n")

    subprocess.run(
        [sys.executable, "manage.py", "import_statements", str(file)],
        cwd=Path(__file__).resolve().parents[2],
        env=elsewhere(),
        check=True,
        capture_output=True,
    )

    with urllib.request.urlopen(f"{live_server.url}/") as response:
        assert b"Imported elsewhere" in response.read()
