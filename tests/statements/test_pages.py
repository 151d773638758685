import datetime
import io
import zoneinfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from statements.models import Statement, Turn

pytestmark = pytest.mark.django_db

FEATURED_SLUG = "lavrov-makei-news-conference-2021-11-10"


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())


def test_home_shows_the_featured_transcript_and_the_latest_ten(client, demo):
    response = client.get("/")
    page = response.content.decode()

    assert "Foreign Minister Sergey Lavrov&#39;s remarks and answers" in page
    assert "Ladies and gentlemen," in page
    assert "(answers after Vladimir Makei)</a>:</strong> Neither Poles" in page
    assert (
        "01.12.2021</time> - "
        '<a href="/statements/2021-12-01-foreign-ministry-statement-on-the-planned-'
        'us-summit-for-democracy-november-30-2021/">Foreign Ministry statement on '
        "the planned US “summit for democracy”, November 30, 2021</a>"
    ) in page
    assert "In connection with the so-called summit for democracy" in page
    items = response.context["latest"]
    assert len(items) == 10
    assert [item.published_at.date().isoformat() for item in items][-1] == "2021-11-13"
    assert '<a href="/statements/">all messages</a>' in page


def test_home_without_content_still_renders(client, db):
    response = client.get("/")

    assert response.status_code == 200
    assert "Nothing has been published yet." in response.content.decode()


def test_transcript_page_lists_questions_linking_to_each_turn(client, demo):
    response = client.get(f"/statements/{FEATURED_SLUG}/")
    page = response.content.decode()

    turns = list(Statement.objects.get(slug=FEATURED_SLUG).turns.all())
    assert [turn.role for turn in turns] == ["question", "answer"] * 5
    for turn in turns:
        assert f'id="{turn.anchor}"' in page
    for question in turns[::2]:
        assert f'<li><a href="#{question.anchor}">' in page
    assert (
        '<strong class="turn__label"><a href="/speakers/sergey-lavrov/">'
        "Sergey Lavrov (after Vladimir Makei)</a>:</strong> I would like to support"
    ) in page
    assert "Question (to Vladimir Makei):</strong> Austrian Chancellor" in page


def test_statement_page_shows_its_details(
    client, make_statement, make_speaker, make_topic
):
    speaker = make_speaker(position="Foreign Minister of Russia")
    statement = make_statement(
        title="Remarks in Paris",
        published_at=datetime.datetime(2021, 11, 16, 10, 0, tzinfo=datetime.UTC),
        delivered_on=datetime.date(2021, 11, 12),
        location="Paris",
        speakers=[speaker],
        topics=[make_topic("France")],
        kind=Statement.Kind.TRANSCRIPT,
        body="One.\n\nTwo <script>alert(1)</script>.",
    )

    page = client.get(statement.get_absolute_url()).content.decode()

    assert '<h1 class="statement__title">Remarks in Paris</h1>' in page
    assert "16 November 2021" in page and "12 November 2021" in page
    assert "<dd>Paris</dd>" in page
    assert (
        '<a href="/speakers/sergey-lavrov/">Sergey Lavrov</a> '
        "(Foreign Minister of Russia)" in page
    )
    assert '<a href="/statements/?tag=france">France</a>' in page
    assert "<p>One.</p>" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_unknown_statement_is_404_in_the_site_design(client, db):
    response = client.get("/statements/no-such-thing/")

    assert response.status_code == 404
    assert '<a class="skip-link"' in response.content.decode()


@pytest.mark.parametrize("path", ["/statements/", "/speakers/sergey-lavrov/", "/"])
def test_list_pages_run_a_fixed_number_of_queries(
    client, make_statement, make_speaker, make_topic, path
):
    speaker, topic = make_speaker(), make_topic()

    def queries_with(count):
        for _ in range(count):
            make_statement(speakers=[speaker], topics=[topic])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    assert queries_with(2) == queries_with(25)


def test_statement_page_runs_a_fixed_number_of_queries(
    client, make_statement, make_speaker
):
    speakers = [make_speaker(f"Speaker {n}") for n in range(6)]

    def queries_for(turn_count, speaker_count):
        statement = make_statement(speakers=speakers[:speaker_count])
        Turn.objects.bulk_create(
            Turn(
                statement=statement,
                position=n,
                role=Turn.Role.ANSWER,
                label=speakers[n % 6].name,
                speaker=speakers[n % 6],
                text="Words.",
            )
            for n in range(turn_count)
        )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(statement.get_absolute_url()).status_code == 200
        return len(queries)

    assert queries_for(1, 1) == queries_for(40, 6)


def test_times_are_shown_in_london_time(client, make_statement):
    statement = make_statement(
        published_at=datetime.datetime(
            2021, 7, 1, 23, 30, tzinfo=zoneinfo.ZoneInfo("UTC")
        )
    )

    page = client.get("/statements/").content.decode()

    assert f'02.07.2021</time> - <a href="{statement.get_absolute_url()}"' in page
    assert timezone.get_current_timezone_name() == "Europe/London"
