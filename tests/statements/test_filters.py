import datetime
import itertools
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from statements.models import Statement, Turn

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")


def at(*args):
    return datetime.datetime(*args, tzinfo=LONDON)


@pytest.fixture
def archive(make_statement, make_speaker, make_topic):
    lavrov, zakharova = make_speaker("Sergey Lavrov"), make_speaker("Maria Zakharova")
    belarus, nato = make_topic("Belarus"), make_topic("NATO")
    statements = {
        "lavrov_belarus_transcript": make_statement(
            title="Remarks on the Union State",
            kind=Statement.Kind.TRANSCRIPT,
            published_at=at(2021, 11, 10, 18, 0),
            speakers=[lavrov],
            topics=[belarus],
        ),
        "zakharova_nato_comment": make_statement(
            title="Comment on NATO exercises",
            kind=Statement.Kind.COMMENT,
            published_at=at(2021, 11, 18, 0, 0),
            speakers=[zakharova],
            topics=[nato],
        ),
        "both_nato_briefing": make_statement(
            title="Briefing on European security",
            kind=Statement.Kind.BRIEFING,
            # Still 30 November in London, the site's zone, at the day's last minute.
            published_at=at(2021, 11, 30, 23, 59),
            speakers=[lavrov, zakharova],
            topics=[nato, belarus],
            body="Opening remarks about the Arctic.",
        ),
        "plain_statement": make_statement(
            title="Statement on the summit for democracy",
            published_at=at(2021, 12, 1, 0, 0),
            body="Human rights are not a matter for lectures.",
        ),
    }
    Turn.objects.create(
        statement=statements["lavrov_belarus_transcript"],
        position=1,
        role=Turn.Role.ANSWER,
        label="Sergey Lavrov",
        speaker=lavrov,
        text="Sanctions never work.",
    )
    return statements


FILTERS = {
    "speaker=sergey-lavrov": {"lavrov_belarus_transcript", "both_nato_briefing"},
    "speaker=maria-zakharova": {"zakharova_nato_comment", "both_nato_briefing"},
    "kind=transcript": {"lavrov_belarus_transcript"},
    "kind=statement": {"plain_statement"},
    "tag=nato": {"zakharova_nato_comment", "both_nato_briefing"},
    "tag=belarus": {"lavrov_belarus_transcript", "both_nato_briefing"},
    "date_from=2021-11-18": {
        "zakharova_nato_comment",
        "both_nato_briefing",
        "plain_statement",
    },
    "date_to=2021-11-30": {
        "lavrov_belarus_transcript",
        "zakharova_nato_comment",
        "both_nato_briefing",
    },
    "q=democracy": {"plain_statement"},
    "q=ARCTIC": {"both_nato_briefing"},
    "q=sanctions": {"lavrov_belarus_transcript"},
    "q=human+rights": {"plain_statement"},
    "q=nato+exercises": {"zakharova_nato_comment"},
}


def listed(client, query):
    # Any order of the filters leads to the list's one address.
    response = client.get(f"/statements/?{query}", follow=True)
    assert response.status_code == 200, response.content
    return response.context["paginator"].count, {
        s.slug for s in response.context["object_list"]
    }


@pytest.mark.parametrize("query", FILTERS)
def test_each_filter_alone_returns_exactly_its_statements(client, archive, query):
    count, slugs = listed(client, query)

    assert slugs == {archive[name].slug for name in FILTERS[query]}
    assert count == len(FILTERS[query])


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pair
        for pair in itertools.combinations(FILTERS, 2)
        if pair[0].split("=")[0] != pair[1].split("=")[0]
    ],
)
def test_combined_filters_return_the_intersection(client, archive, first, second):
    count, slugs = listed(client, f"{first}&{second}")

    expected = FILTERS[first] & FILTERS[second]
    assert slugs == {archive[name].slug for name in expected}
    assert count == len(expected)


def test_all_filters_together(client, archive):
    _, slugs = listed(
        client,
        "speaker=sergey-lavrov&kind=briefing&tag=belarus&date_from=2021-11-30"
        "&date_to=2021-11-30&q=arctic",
    )

    assert slugs == {archive["both_nato_briefing"].slug}


def test_list_says_how_many_match_and_which_filters(client, archive):
    page = client.get(
        "/statements/?speaker=sergey-lavrov&kind=briefing"
    ).content.decode()

    assert "1 statement matching speaker: Sergey Lavrov, kind: Briefing" in page


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("date_from=2021-13-45", "date_from", "Enter a valid date."),
        ("date_to=0000-00-00", "date_to", "Enter a valid date."),
        ("date_from=99999-01-01", "date_from", "Enter a valid date."),
        ("kind=speech", "kind", "Select a valid choice."),
        ("speaker=nobody-at-all", "speaker", "Select a valid choice."),
        ("tag=%00", "tag", "Null characters are not allowed."),
        ("q=%1B", "q", "Words cannot contain control characters or non-characters."),
        (
            "q=%EF%BF%BE",
            "q",
            "Words cannot contain control characters or non-characters.",
        ),
        ("date_from=2021-12-01&date_to=2021-11-01", "date_to", "before the start date"),
    ],
)
def test_bad_filter_values_show_the_form_error_with_400(
    client, archive, query, field, message
):
    response = client.get(f"/statements/?{query}")

    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page
    assert f'aria-describedby="id_{field}_error"' in page
    assert message in page
    assert '<form class="filters"' in page
    assert len(response.context["object_list"]) == 0


def test_pagination_keeps_filters_and_shows_20_a_page(
    client, make_statement, make_speaker
):
    speaker = make_speaker()
    for _ in range(45):
        make_statement(speakers=[speaker])
    make_statement()

    first = client.get("/statements/?speaker=sergey-lavrov")
    third = client.get("/statements/?speaker=sergey-lavrov&page=3")

    assert len(first.context["object_list"]) == 20
    assert 'href="?speaker=sergey-lavrov&amp;page=2"' in first.content.decode()
    assert len(third.context["object_list"]) == 5
    assert 'href="?speaker=sergey-lavrov&amp;page=2"' in third.content.decode()


@pytest.mark.parametrize("page", ["2", "0", "-1", "abc", "99999999999999999999", "1.5"])
def test_bad_page_numbers_give_404(client, archive, page):
    response = client.get(f"/statements/?page={page}")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_list_is_newest_first(client, archive):
    response = client.get("/statements/")

    assert [s.slug for s in response.context["object_list"]] == [
        archive[name].slug
        for name in [
            "plain_statement",
            "both_nato_briefing",
            "zakharova_nato_comment",
            "lavrov_belarus_transcript",
        ]
    ]


def test_speaker_page_lists_their_statements_with_the_same_filters(client, archive):
    everything = client.get("/speakers/sergey-lavrov/")
    briefings = client.get("/speakers/sergey-lavrov/?kind=briefing")

    assert {s.slug for s in everything.context["object_list"]} == {
        archive["lavrov_belarus_transcript"].slug,
        archive["both_nato_briefing"].slug,
    }
    assert [s.slug for s in briefings.context["object_list"]] == [
        archive["both_nato_briefing"].slug
    ]
    assert "<h1>Sergey Lavrov</h1>" in everything.content.decode()


def test_unknown_speaker_page_is_404(client, archive):
    assert client.get("/speakers/nobody/").status_code == 404


def test_the_form_lists_public_names_escaped_and_keeps_the_choices_made(
    client, make_statement, make_speaker, make_topic
):
    odd = make_speaker('Anne <b>"O\'Neil"</b> & Co')
    lavrov = make_speaker("Sergey Lavrov")
    make_speaker("Nobody Public")
    make_statement(speakers=[odd, lavrov], topics=[make_topic("NATO")])

    response = client.get("/statements/?speaker=sergey-lavrov&kind=comment")

    page = response.content.decode()
    speaker_select = page[page.index('<select name="speaker"') :]
    speaker_select = speaker_select[: speaker_select.index("</select>")]
    assert speaker_select.splitlines()[1:] == [
        '  <option value="">Any speaker</option>',
        f'  <option value="{odd.slug}">Anne &lt;b&gt;&quot;O&#x27;Neil&quot;&lt;/b&gt;'
        " &amp; Co</option>",
        '  <option value="sergey-lavrov" selected>Sergey Lavrov</option>',
    ]
    assert '<option value="comment" selected>Comment</option>' in page
    assert '<option value="nato">NATO</option>' in page
    # A filter left empty keeps "Any ..." chosen, as Django's own widget does.
    assert '<option value="" selected>Any topic</option>' in page
    assert page.count(" selected>") == 3


def test_with_caching_off_a_chosen_speaker_and_topic_read_the_names_once(
    client, archive, settings
):
    settings.PAGE_CACHE_SECONDS = 0
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/statements/?speaker=sergey-lavrov&tag=belarus")

    assert response.status_code == 200
    assert '<option value="sergey-lavrov" selected>' in response.content.decode()
    names_read = [
        sql
        for sql in map(sql_run, queries)
        if "EXISTS" in sql
        and ('FROM "statements_speaker"' in sql or 'FROM "statements_topic"' in sql)
    ]
    assert len(names_read) == 2


def sql_run(query):
    """A captured query's SQL; on PostgreSQL, a compiled query's as prepared."""
    sql = query["sql"]
    if sql.startswith("EXECUTE "):
        name = sql.removeprefix("EXECUTE ").split("(")[0]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT statement FROM pg_prepared_statements WHERE name = %s", [name]
            )
            (sql,) = cursor.fetchone()
    return sql


def test_the_form_writes_its_controls_as_djangos_own_widgets_would(archive):
    """The selects and inputs are written in Python for speed; the markup is
    Django's (but for the white space between tags): values, the choice made,
    and an error's ARIA attributes."""
    import copy
    import re

    from django import forms

    from statements.filters import StatementFilter

    data = {
        "q": 'union "state" <b>',
        "speaker": "sergey-lavrov",
        "kind": "comment",
        "date_from": "2021-11-01",
        "date_to": "2021-10-01",
    }
    form = StatementFilter(data, queryset=Statement.objects.all()).form
    assert not form.is_valid()
    assert "date_to" in form.errors

    def between_tags(html):
        return re.sub(r">\s+<", "><", html)

    djangos = {
        "q": forms.TextInput,
        "speaker": forms.Select,
        "kind": forms.Select,
        "tag": forms.Select,
        "date_from": forms.DateInput,
        "date_to": forms.DateInput,
    }
    for name, django_widget in djangos.items():
        field = form[name]
        djangos_widget = copy.copy(field.field.widget)
        djangos_widget.__class__ = django_widget
        djangos_widget.input_type = field.field.widget.input_type
        assert between_tags(str(field)) == between_tags(
            field.as_widget(widget=djangos_widget)
        ), name
    assert 'value="union &quot;state&quot; &lt;b&gt;"' in str(form["q"])
    assert 'aria-invalid="true"' in str(form["date_to"])


def test_the_choices_are_those_public_now_in_the_page_language_by_name(
    make_statement, make_speaker, settings
):
    """The names' query is compiled once per process; each reading is of its
    own time and language, with the names modeltranslation would give."""
    import time_machine
    from django.utils import timezone, translation

    from statements.models import Speaker

    settings.PAGE_CACHE_SECONDS = 0
    zakharova = make_speaker("Maria Zakharova", name_ru="Мария Захарова")
    lavrov = make_speaker("Sergey Lavrov", name_ru="Сергей Лавров")
    english_only = make_speaker("Alexander Yakovenko")
    russian_only = make_speaker(name=None, name_en=None, name_ru="Андрей Келин")
    later = timezone.now() + datetime.timedelta(hours=2)
    make_statement(speakers=[zakharova, english_only])
    make_statement(speakers=[lavrov], published_at=later)
    make_statement(speakers=[lavrov, zakharova, english_only], language="ru")
    make_statement(speakers=[russian_only], language="ru", slug="kelin")

    def choices(language):
        with translation.override(language):
            offered = Speaker.objects.public_names(language)
            orm = Speaker.objects.with_public_statements(language).values_list(
                "slug", "name"
            )
            assert offered == list(orm)
            return [name for _slug, name in offered]

    assert choices("en") == ["Alexander Yakovenko", "Maria Zakharova"]
    # A name not written in Russian shows in English (where it sorts: the
    # order of the ORM's, asserted above, which puts empty names first or last).
    assert sorted(choices("ru")) == [
        "Alexander Yakovenko",
        "Андрей Келин",
        "Мария Захарова",
        "Сергей Лавров",
    ]
    with time_machine.travel(later + datetime.timedelta(seconds=1)):
        assert choices("en") == [
            "Alexander Yakovenko",
            "Maria Zakharova",
            "Sergey Lavrov",
        ]
