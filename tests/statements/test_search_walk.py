"""Common words: the most recent matches found by reading statements newest first.

A search whose every word is common walks the statements (with a speaker,
the speaker's links) newest first instead of asking the GIN index; it must
find what the index finds, and the links' copy of each statement's date must
follow the statement (PostgreSQL).
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from statements import search
from statements.models import Statement, StatementSpeaker, Turn

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="full-text search is PostgreSQL's"
    ),
]

WALKED = "AS w WHERE"


@pytest.fixture(autouse=True)
def _uncached(settings):
    settings.PAGE_CACHE_SECONDS = 0  # the same searches, walked and not


def at(year):
    return datetime.datetime(year, 6, 1, 12, tzinfo=datetime.UTC)


@pytest.fixture
def common(monkeypatch):
    """Every word counts as common: searches walk."""
    monkeypatch.setattr(search, "lexeme_shares", lambda: CommonWords())


class CommonWords(dict):
    def get(self, key, default=None):
        return 1.0


def search_page(client, query):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/statements/?{query}")
    assert response.status_code == 200
    walked = any(WALKED in q["sql"] for q in queries)
    return [s.title for s in response.context["object_list"]], response, walked


@pytest.fixture
def grain(make_statement):
    for year in (2018, 2019, 2020, 2021):
        make_statement(title=f"Grain in {year}", published_at=at(year))
    make_statement(title="Grain draft", status=Statement.Status.DRAFT)
    make_statement(
        title="Grain tomorrow",
        published_at=timezone.now() + datetime.timedelta(days=1),
    )
    make_statement(title="Steel", published_at=at(2022))


def test_a_walk_finds_what_the_index_finds_and_never_drafts_or_scheduled(
    client, grain, common, monkeypatch
):
    monkeypatch.setattr(search, "RANKED_WINDOW", 2)
    titles, response, walked = search_page(client, "q=grain")

    assert walked
    assert set(titles) == {"Grain in 2021", "Grain in 2020"}
    assert "the 2 most recent are ranked here" in response.content.decode()

    monkeypatch.setattr(search, "RANKED_WINDOW", 10)
    titles, response, walked = search_page(client, "q=grain")
    assert set(titles) == {f"Grain in {year}" for year in (2018, 2019, 2020, 2021)}
    assert "ranked here" not in response.content.decode()


def test_a_walk_too_short_for_the_matches_asks_the_index(
    client, grain, common, monkeypatch
):
    # The newest statement does not match: two rows hold one match of two.
    monkeypatch.setattr(search, "WALK_ROWS", 2)
    monkeypatch.setattr(search, "RANKED_WINDOW", 2)

    titles, _response, walked = search_page(client, "q=grain")

    assert walked
    assert set(titles) == {"Grain in 2021", "Grain in 2020"}


def test_rare_words_are_looked_up_in_the_index(client, grain):
    titles, _response, walked = search_page(client, "q=grain")

    assert not walked
    assert len(titles) == 4


def test_a_phrase_window_is_walked_too(client, make_statement, common, monkeypatch):
    monkeypatch.setattr(search, "CHECKED_WINDOW", 2)
    for year, body in [
        (2019, "The foreign ministry replied."),
        (2020, "A ministry of foreign trade."),
        (2021, "Foreign visitors at the ministry."),
    ]:
        make_statement(title=f"Note of {year}", body=body, published_at=at(year))

    titles, response, walked = search_page(client, "q=%22foreign+ministry%22")

    assert walked
    assert titles == []
    assert "looked for in the 2 most recent" in response.content.decode()
    monkeypatch.setattr(search, "CHECKED_WINDOW", 3)
    assert search_page(client, "q=%22foreign+ministry%22")[0] == ["Note of 2019"]


@pytest.fixture
def transcripts(make_statement, make_speaker):
    """Lavrov's statements: answers of his, of someone else's, and none at all."""
    lavrov, zakharova = make_speaker("Sergey Lavrov"), make_speaker("Maria Zakharova")
    answers = {
        2017: ("Sergey Lavrov", "Grain exports matter."),
        2018: ("Maria Zakharova", "Grain exports again."),  # not his answer
        2019: ("Sergey Lavrov", "Grain, and then exports."),
        2020: ("Sergey Lavrov", "Nothing on that."),
    }
    for year, (name, text) in answers.items():
        press = make_statement(
            title=f"Press {year}",
            body="Opening remarks.",
            published_at=at(year),
            speakers=[lavrov, zakharova],
        )
        speaker = lavrov if name == "Sergey Lavrov" else zakharova
        Turn.objects.create(
            statement=press,
            position=1,
            role="answer",
            label=name,
            speaker=speaker,
            text=text,
        )
    make_statement(
        title="Comment 2016",
        body="Grain exports, a comment.",
        published_at=at(2016),
        speakers=[lavrov],
    )
    make_statement(
        title="Lavrov draft",
        body="Grain exports.",
        status=Statement.Status.DRAFT,
        speakers=[lavrov],
    )
    make_statement(title="Comment 2021", body="Grain exports.", published_at=at(2021))
    return lavrov


def test_a_speakers_walk_finds_what_they_said_newest_first(
    client, transcripts, common, monkeypatch
):
    # Not Zakharova's answer, not the draft, not a statement without him.
    query = "q=grain+exports&speaker=sergey-lavrov"
    monkeypatch.setattr(search, "RANKED_WINDOW", 2)

    titles, response, walked = search_page(client, query)

    assert walked
    assert set(titles) == {"Press 2019", "Press 2017"}
    assert "the 2 most recent are ranked here" in response.content.decode()


def test_a_speakers_walk_and_the_index_agree(client, transcripts, monkeypatch):
    query = "q=grain+exports&speaker=sergey-lavrov"
    from_index, _response, walked = search_page(client, query)
    assert not walked
    monkeypatch.setattr(search, "lexeme_shares", lambda: CommonWords())
    walking, _response, walked = search_page(client, query)
    assert walked
    assert (
        set(walking)
        == set(from_index)
        == {
            "Press 2019",
            "Press 2017",
            "Comment 2016",
        }
    )


def test_a_long_query_with_a_speaker_is_not_walked(
    client, transcripts, common, monkeypatch
):
    monkeypatch.setattr(search, "RANKED_WORDS", 1)

    titles, _response, walked = search_page(
        client, "q=grain+exports&speaker=sergey-lavrov"
    )

    assert not walked
    assert set(titles) == {"Press 2019", "Press 2017", "Comment 2016"}


def test_the_speakers_links_follow_their_statements_date(make_statement, make_speaker):
    lavrov = make_speaker("Sergey Lavrov")
    statement = make_statement(published_at=at(2020), speakers=[lavrov])
    link = StatementSpeaker.objects.get(statement=statement)
    assert link.published_at == at(2020)

    statement.published_at = at(2021)
    statement.save()
    link.refresh_from_db()
    assert link.published_at == at(2021)

    Statement.objects.filter(pk=statement.pk).update(published_at=at(2022))
    link.refresh_from_db()
    assert link.published_at == at(2022)

    StatementSpeaker.objects.bulk_create(
        [
            StatementSpeaker(
                statement=make_statement(published_at=at(2019)), speaker=lavrov
            )
        ]
    )
    assert StatementSpeaker.objects.get(
        statement__published_at=at(2019)
    ).published_at == at(2019)


def test_word_shares_come_from_the_databases_statistics(make_statement):
    for number in range(20):
        make_statement(body="Grain exports." if number % 2 else "Grain.")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE statements_statement")
    search._lexeme_shares.cache_clear()
    try:
        shares = search.lexeme_shares()
    finally:
        search._lexeme_shares.cache_clear()

    assert shares["grain"] == pytest.approx(1.0)
    assert shares["export"] == pytest.approx(0.5)


def test_the_rarest_word_decides_and_alternatives_are_never_common(monkeypatch):
    monkeypatch.setattr(search, "lexeme_shares", lambda: {"grain": 0.9, "export": 0.4})

    assert search.rarest_share("'grain' & 'export'") == 0.4
    assert search.rarest_share("'grain' & 'steel'") == 0.0
    assert search.rarest_share("'grain' | 'export'") == 0.0
    assert search.rarest_share("'grain' <-> 'export'") == 0.4


def test_a_walk_keeps_to_the_pages_language_and_its_stemming(
    client, make_statement, common
):
    make_statement(language="ru", title="Введение санкций", body="Текст.")
    make_statement(language="ru", title="Ответ", body="Мы ответим санкциям.")
    make_statement(language="ru", title="Другое", body="Переговоры.")
    make_statement(title="On sanctions", body="The sanctions were imposed.")

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/ru/statements/", {"q": "санкции"})

    assert any(WALKED in q["sql"] for q in queries)
    assert sorted(s.title for s in response.context["object_list"]) == [
        "Введение санкций",
        "Ответ",
    ]
    assert "<mark>" in response.content.decode()
