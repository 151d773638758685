import datetime

import feedparser
import pytest
from django.utils import timezone

from statements.models import Statement

pytestmark = pytest.mark.django_db

FEEDS = ["/statements/rss/", "/statements/atom/"]


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


@pytest.mark.parametrize("url", FEEDS)
def test_feed_entries_carry_title_link_date_summary_authors_and_topics(
    client, make_statement, make_speaker, make_topic, url
):
    lavrov, makei = make_speaker(), make_speaker("Vladimir Makei")
    statement = make_statement(
        title="Joint news conference",
        lead="The ministers spoke to the press.",
        published_at=datetime.datetime(2021, 11, 10, 12, 30, tzinfo=datetime.UTC),
        speakers=[lavrov, makei],
        topics=[make_topic("Belarus"), make_topic("Security")],
    )

    entry = parse(client, url).entries[0]

    assert entry.title == "Joint news conference"
    assert entry.link == f"http://testserver{statement.get_absolute_url()}"
    assert entry.published_parsed[:5] == (2021, 11, 10, 12, 30)
    assert entry.summary == "The ministers spoke to the press."
    assert [author["name"] for author in entry.authors] == [
        "Sergey Lavrov",
        "Vladimir Makei",
    ]
    assert [tag.term for tag in entry.tags] == ["Belarus", "Security"]


@pytest.mark.parametrize("url", FEEDS)
def test_feed_has_the_newest_fifty_statements(client, make_statement, url):
    now = timezone.now()
    for hours in range(1, 53):
        make_statement(
            title=f"{hours} hours old",
            published_at=now - datetime.timedelta(hours=hours),
        )

    titles = [entry.title for entry in parse(client, url).entries]

    assert titles == [f"{hours} hours old" for hours in range(1, 51)]


@pytest.mark.parametrize("url", FEEDS)
def test_drafts_and_scheduled_statements_are_not_in_the_feed(
    client, make_statement, url
):
    make_statement(title="Public words")
    make_statement(title="Secret draft", status=Statement.Status.DRAFT)
    make_statement(
        title="Scheduled words",
        published_at=timezone.now() + datetime.timedelta(days=1),
    )

    titles = [entry.title for entry in parse(client, url).entries]

    assert titles == ["Public words"]


@pytest.mark.parametrize("url", FEEDS)
def test_filtered_feed_narrows_entries_and_names_its_filters(
    client, make_statement, make_speaker, url
):
    lavrov, zakharova = make_speaker(), make_speaker("Maria Zakharova")
    make_statement(
        title="Lavrov transcript", kind=Statement.Kind.TRANSCRIPT, speakers=[lavrov]
    )
    make_statement(
        title="Lavrov comment", kind=Statement.Kind.COMMENT, speakers=[lavrov]
    )
    make_statement(
        title="Zakharova transcript",
        kind=Statement.Kind.TRANSCRIPT,
        speakers=[zakharova],
    )

    feed = parse(client, f"{url}?speaker=sergey-lavrov&kind=transcript&utm_source=x")

    assert [entry.title for entry in feed.entries] == ["Lavrov transcript"]
    assert feed.feed.title == (
        "Statements by Sergey Lavrov, transcripts - Russian Embassy in the UK"
    )
    assert feed.feed.link == (
        "http://testserver/statements/?speaker=sergey-lavrov&kind=transcript"
    )


def test_feed_title_names_every_kind_of_filter(client, make_topic, make_statement):
    make_statement(topics=[make_topic("Salisbury")])
    query = "tag=salisbury&q=chemical+weapons&date_from=2021-11-01&date_to=2021-11-30"

    feed = parse(client, f"/statements/atom/?{query}")

    assert feed.feed.title == (
        "Statements, on Salisbury, containing “chemical weapons”, "
        "from 1 November 2021, to 30 November 2021 - Russian Embassy in the UK"
    )


@pytest.mark.parametrize("url", FEEDS)
@pytest.mark.parametrize(
    "query",
    [
        "kind=poem",
        "speaker=nobody",
        "date_from=yesterday",
        "date_from=2021-12-01&date_to=2021-11-01",
    ],
)
def test_invalid_filter_values_are_a_bad_request(client, db, url, query):
    assert client.get(f"{url}?{query}").status_code == 400
