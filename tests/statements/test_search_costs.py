"""What a search costs is bounded, and the page says where it narrowed (PostgreSQL)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from statements.models import Statement, Turn

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="full-text search is PostgreSQL's"
    ),
]


def titles(response):
    return [statement.title for statement in response.context["object_list"]]


@pytest.fixture
def grain_reports(make_statement):
    for year in (2019, 2020, 2021):
        make_statement(
            title=f"Grain exports in {year}",
            published_at=datetime.datetime(year, 6, 1, 12, tzinfo=datetime.UTC),
        )


def test_a_long_query_ranks_fewer_of_the_most_recent_and_says_so(
    client, grain_reports, monkeypatch
):
    monkeypatch.setattr("statements.search.RANKED_WINDOW", 4)
    monkeypatch.setattr("statements.search.RANKED_WORDS", 1)

    short = client.get("/statements/?q=grain")
    long = client.get("/statements/?q=grain+exports")

    assert len(titles(short)) == 3
    assert "ranked here" not in short.content.decode()
    # Two words: half as many candidates ranked, the most recent ones.
    assert sorted(titles(long)) == ["Grain exports in 2020", "Grain exports in 2021"]
    assert "the 2 most recent are ranked here" in long.content.decode()


def test_a_search_asks_the_database_to_parse_its_words_once(client, grain_reports):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/statements/?q=grain+exports+-tariffs")

    assert titles(response)
    parses = [query for query in queries if "querytree(" in query["sql"]]
    assert len(parses) <= 1


def test_a_snippet_marks_words_spread_over_several_turns(client, make_statement):
    statement = make_statement(
        title="Briefing", kind=Statement.Kind.BRIEFING, body="Opening remarks."
    )
    for position, text in enumerate(["Grain prices fell.", "Exports rose."], 1):
        Turn.objects.create(
            statement=statement, position=position, role="answer", label="A", text=text
        )

    page = client.get("/statements/?q=grain+exports").content.decode()

    assert "<mark>Grain</mark> prices fell" in page
    assert "<mark>Exports</mark> rose" in page


def test_a_snippet_comes_from_the_first_turn_holding_every_word(client, make_statement):
    statement = make_statement(
        title="Briefing", kind=Statement.Kind.BRIEFING, body="Grain exports, opening."
    )
    for position, text in enumerate(
        ["Grain exports fell.", "Nothing here.", "Grain exports rose."], 1
    ):
        Turn.objects.create(
            statement=statement, position=position, role="answer", label="A", text=text
        )

    page = client.get("/statements/?q=grain+exports").content.decode()

    assert "<mark>Grain</mark> <mark>exports</mark> fell" in page
    assert "rose" not in page
    assert "opening" not in page


def test_a_long_querys_snippet_marks_passages_with_any_of_its_words(
    client, make_statement, monkeypatch
):
    monkeypatch.setattr("statements.search.RANKED_WORDS", 1)
    make_statement(
        title="Trade", body="Grain fell. " + "Filler words. " * 30 + "Exports rose."
    )

    with CaptureQueriesContext(connection) as queries:
        page = client.get("/statements/?q=grain+exports").content.decode()

    headline = next(q["sql"] for q in queries if "ts_headline" in q["sql"])
    # The words joined by OR, as a literal in the query's text.
    assert "''grain'' | ''export''" in headline
    assert "<mark>Grain</mark> fell" in page
    assert "<mark>Exports</mark> rose" in page
