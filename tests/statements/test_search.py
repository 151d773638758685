import datetime

import pytest
from django.db import connection

from statements.models import Statement, Turn

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search is PostgreSQL's"
)


def found(client, query):
    response = client.get(f"/statements/?{query}")
    assert response.status_code == 200
    return [statement.title for statement in response.context["object_list"]]


@pytest.fixture
def library(make_statement, make_speaker):
    lavrov, zakharova = make_speaker("Sergey Lavrov"), make_speaker("Maria Zakharova")
    make_statement(
        title="Human rights council",
        body="The session discussed rights of ethnic minorities.",
    )
    make_statement(
        title="Comment on a summit",
        body="Democracy is a matter of human dignity. Rights are universal.",
    )
    make_statement(title="Trade figures", body="Exports of grain rose sharply.")
    press = make_statement(
        title="Press conference in Minsk",
        kind=Statement.Kind.TRANSCRIPT,
        body="Opening remarks on the Union State.",
        speakers=[lavrov, zakharova],
    )
    for position, (role, label, speaker, text) in enumerate(
        [
            ("question", "Question", None, "What about sanctions on fertiliser?"),
            ("answer", "Maria Zakharova", zakharova, "Sanctions hurt farmers."),
            ("question", "Question", None, "And the pipeline?"),
            ("answer", "Sergey Lavrov", lavrov, "Sanctions never worked against us."),
        ],
        start=1,
    ):
        Turn.objects.create(
            statement=press,
            position=position,
            role=role,
            label=label,
            speaker=speaker,
            text=text,
        )
    return press


def test_words_are_found_in_titles_bodies_and_turns(client, library):
    assert found(client, "q=grain") == ["Trade figures"]
    assert found(client, "q=fertiliser") == ["Press conference in Minsk"]


@postgres_only
def test_title_matches_rank_above_body_matches(client, library):
    assert found(client, "q=human+rights") == [
        "Human rights council",
        "Comment on a summit",
    ]


@postgres_only
def test_query_syntax_people_type_phrases_exclusions_or(client, library):
    assert found(client, "q=%22human+dignity%22") == ["Comment on a summit"]
    assert found(client, "q=rights+-minorities") == ["Comment on a summit"]
    assert set(found(client, "q=grain+OR+pipeline")) == {
        "Trade figures",
        "Press conference in Minsk",
    }


@postgres_only
def test_stemming_finds_other_forms_of_a_word(client, library):
    assert found(client, "q=worked") == ["Press conference in Minsk"]
    assert found(client, "q=exported") == ["Trade figures"]


@postgres_only
def test_results_show_a_highlighted_snippet_without_markup(client, make_statement):
    make_statement(title="Hostile", body="Grain <script>alert(1)</script> exports.")

    page = client.get("/statements/?q=grain").content.decode()

    # PostgreSQL's headline drops markup; what remains is escaped text.
    assert "<mark>Grain</mark>  alert(1)  exports" in page
    assert "<script>alert" not in page


@postgres_only
def test_search_with_a_speaker_finds_what_that_speaker_said(client, library):
    lavrov = client.get("/statements/?q=sanctions&speaker=sergey-lavrov")
    zakharova = client.get("/statements/?q=farmers&speaker=maria-zakharova")
    lavrov_farmers = client.get("/statements/?q=farmers&speaker=sergey-lavrov")
    # The words of a question are not the speaker's.
    lavrov_fertiliser = client.get("/statements/?q=fertiliser&speaker=sergey-lavrov")

    page = lavrov.content.decode()
    assert [s.title for s in lavrov.context["object_list"]] == [library.title]
    assert f'href="{library.get_absolute_url()}#turn-4"' in page
    assert "<mark>Sanctions</mark> never worked" in page
    assert [s.title for s in zakharova.context["object_list"]] == [library.title]
    assert f'href="{library.get_absolute_url()}#turn-2"' in zakharova.content.decode()
    assert list(lavrov_farmers.context["object_list"]) == []
    assert list(lavrov_fertiliser.context["object_list"]) == []


NOTHING_TO_LOOK_FOR = "Add a word to look for: excluded words (-word)"


@pytest.mark.parametrize(
    "query", ["q=-zzz&speaker=sergey-lavrov", "q=-zzz", "q=-grain+-rights"]
)
def test_a_search_of_excluded_words_alone_is_refused_with_400(client, library, query):
    # The indexes cannot narrow such a search: it read every vector, and with a
    # speaker parsed all their turns.
    response = client.get(f"/statements/?{query}")
    feed = client.get(f"/statements/atom/?{query}")

    assert response.status_code == 400
    assert NOTHING_TO_LOOK_FOR in response.content.decode()
    assert 'aria-describedby="id_q_error"' in response.content.decode()
    assert list(response.context["object_list"]) == []
    assert feed.status_code == 400


@postgres_only
@pytest.mark.parametrize("words", ["the+-zzz", "grain+OR+-zzz", "-%22human+rights%22"])
def test_excluded_words_with_only_ignored_or_optional_words_are_refused(
    client, library, words
):
    response = client.get(f"/statements/?q={words}&speaker=sergey-lavrov")

    assert response.status_code == 400
    assert NOTHING_TO_LOOK_FOR in response.content.decode()


def test_search_with_a_speaker_matches_their_statements_without_turns(
    client, make_statement, make_speaker
):
    zakharova = make_speaker("Maria Zakharova")
    make_statement(
        title="Comment on NATO", body="Expansion is a threat.", speakers=[zakharova]
    )
    make_statement(title="Other comment", body="Expansion again.")

    assert found(client, "q=expansion&speaker=maria-zakharova") == ["Comment on NATO"]


@postgres_only
def test_search_vector_follows_edits_of_statements_and_turns(client, library):
    statement = Statement.objects.get(title="Trade figures")
    statement.body = "Imports of steel fell."
    statement.save()
    turn = library.turns.get(position=4)
    turn.text = "Tariffs never worked."
    turn.save()

    assert found(client, "q=steel") == ["Trade figures"]
    assert found(client, "q=grain") == []
    assert found(client, "q=tariffs") == ["Press conference in Minsk"]


@postgres_only
def test_a_search_ranks_among_what_the_other_filters_leave(
    client, make_statement, monkeypatch
):
    monkeypatch.setattr("statements.search.RANKED_WINDOW", 2)
    for year in (2015, 2016, 2020, 2021):
        make_statement(
            title=f"Sanctions in {year}",
            published_at=datetime.datetime(year, 6, 1, 12, tzinfo=datetime.UTC),
        )

    response = client.get(
        "/statements/?q=sanctions&date_from=2015-01-01&date_to=2016-12-31"
    )
    everything = client.get("/statements/?q=sanctions")

    assert {s.title for s in response.context["object_list"]} == {
        "Sanctions in 2015",
        "Sanctions in 2016",
    }
    assert {s.title for s in everything.context["object_list"]} == {
        "Sanctions in 2020",
        "Sanctions in 2021",
    }
    assert "the 2 most recent are ranked here" in everything.content.decode()


@postgres_only
def test_phrases_and_exclusions_are_checked_in_the_most_recent_with_the_words(
    client, make_statement, monkeypatch, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # the same searches again with a wider window
    monkeypatch.setattr("statements.search.CHECKED_WINDOW", 2)
    for year, body in [
        (2019, "The foreign ministry replied."),
        (2020, "A ministry of foreign trade."),
        (2021, "Foreign visitors at the ministry."),
    ]:
        make_statement(
            title=f"Note of {year}",
            body=body,
            published_at=datetime.datetime(year, 6, 1, 12, tzinfo=datetime.UTC),
        )

    response = client.get("/statements/?q=%22foreign+ministry%22")

    assert response.status_code == 200
    assert list(response.context["object_list"]) == []
    assert (
        "phrases and excluded words were looked for in the 2 most recent "
        "statements with all the words" in response.content.decode()
    )
    assert found(client, "q=foreign+ministry+-trade") == ["Note of 2021"]
    monkeypatch.setattr("statements.search.CHECKED_WINDOW", 3)
    assert found(client, "q=%22foreign+ministry%22") == ["Note of 2019"]
    assert set(found(client, "q=foreign+ministry+-trade")) == {
        "Note of 2021",
        "Note of 2019",
    }
    assert (
        "were looked for" not in client.get("/statements/?q=foreign").content.decode()
    )
