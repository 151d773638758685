"""Public pages come from the shared cache until public content changes."""

import datetime
import io
import json
import subprocess
import sys
import time
import zoneinfo
from pathlib import Path

import pytest
import redis
import time_machine
from django.core.cache import cache, caches
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from counters.models import TrackedIncident
from statements import caching
from statements.models import Speaker, Statement

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
PUBLIC_PAGES = [
    "/",
    "/statements/",
    "/statements/?kind=comment",
    "/speakers/sergey-lavrov/",
]


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())


def test_a_cached_page_is_served_without_touching_the_database(client, demo):
    for url in PUBLIC_PAGES:
        # Within one minute, so the header's clocks read the same.
        with time_machine.travel(
            datetime.datetime(2021, 12, 4, 12, 0, 10, tzinfo=LONDON), tick=False
        ):
            first = client.get(url)
            with CaptureQueriesContext(connection) as queries:
                again = client.get(url)

        assert again.status_code == 200
        assert len(queries) == 0, url
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


REDIS = "redis://127.0.0.1:6379/3"


def url_of_the_test_database():
    """The test database, for another process to use."""
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    return (
        f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}"
        f"/{database['NAME']}"
    )


CHANGE_IN_ANOTHER_PROCESS = (
    "from statements.caching import public_content_changed; public_content_changed()"
)


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "embassy.cache.ReusedClientRedisCache",
            "LOCATION": REDIS,
            "KEY_PREFIX": "embassy",
        },
    }
    cache.clear()
    yield
    cache.clear()
    caches["local"].clear()


def test_a_change_in_another_process_retires_pages_cached_in_redis(
    client, demo, redis_cache
):
    client.get("/statements/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/statements/")
    assert len(queries) == 0

    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", CHANGE_IN_ANOTHER_PROCESS],
        cwd=Path(__file__).resolve().parents[2],
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_DEBUG": "1",
            "REDIS_URL": REDIS,
            "DATABASE_URL": url_of_the_test_database(),
        },
        check=True,
        capture_output=True,
    )

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/statements/").status_code == 200
    assert len(queries) > 0


def wait_until(condition, seconds=5):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


def test_pages_stay_right_while_the_generation_channel_is_lost(
    client, demo, redis_cache
):
    client.get("/statements/")
    follower = caching.generation_follower()
    wait_until(lambda: follower.subscribed)
    before = follower.generation

    redis.Redis.from_url(REDIS).client_kill_filter(_type="pubsub")
    wait_until(lambda: not follower.subscribed)
    # A change whose announcement is lost with the connection.
    elsewhere = caches.create_connection("default")
    elsewhere.set(caching.GENERATION_KEY, (f"{time.time_ns():020d}unheard", None), None)

    # Read from Redis meanwhile, so the page is rendered afresh.
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/statements/").status_code == 200
    assert len(queries) > 0
    # Subscribed again, the follower reads what it missed.
    wait_until(lambda: follower.subscribed)
    assert follower.generation == elsewhere.get(caching.GENERATION_KEY)
    assert follower.generation != before


def test_unknown_query_parameters_are_not_cached(client, demo):
    client.get("/statements/?utm_source=newsletter")

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/statements/?utm_source=newsletter")

    assert response.status_code == 200
    assert len(queries) > 0
    assert "public" not in response.get("Cache-Control", "")


def test_a_generation_older_than_one_seen_is_replaced(demo):
    current = caching.content_generation()
    cache.set(caching.GENERATION_KEY, ("00000000000000000001restored", None))

    replaced = caching.content_generation()

    assert replaced not in (current, "00000000000000000001restored")
    assert replaced > current


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "embassy.cache.ReusedClientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        },
    }


def test_without_the_cache_pages_are_rendered_and_saves_still_work(
    client, admin_client, make_statement, redis_down
):
    draft = make_statement(title="Saved without a cache", status="draft")

    response = admin_client.post(
        "/admin/statements/statement/",
        {"action": "publish", "_selected_action": [draft.pk]},
    )

    assert response.status_code == 302
    for url in ["/", "/statements/", draft.get_absolute_url(), "/statements/rss/"]:
        page = client.get(url)
        assert page.status_code == 200, url
        assert "Saved without a cache" in page.content.decode(), url


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
    third_list = client.get("/statements/?kind=comment&page=1").content.decode()

    assert "M. Zakharova" in other_list and "Maria Zakharova" not in other_list
    assert "Shared item, corrected" in third_list
