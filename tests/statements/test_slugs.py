"""One slug rule, for titles and names in any script."""

import datetime

import iuliia
import pytest
from hypothesis import given
from hypothesis import strategies as st
from slugify import slugify as transliterated_slug

from statements.models import Speaker, Statement, Topic
from statements.slugs import slugify

from .test_admin import statement_form
from .test_import_export import COMMENT, jsonl, run_import

pytestmark = pytest.mark.django_db

RUSSIAN = {
    **COMMENT,
    "title": "Комментарий посольства о публичном расследовании",
    "published": "2021-03-01",
}
ANOTHER_RUSSIAN = {**RUSSIAN, "title": "Заявление МИД России о саммите за демократию"}


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Сергей Лавров", "sergey-lavrov"),
        ("Мария Захарова", "mariya-zakharova"),
        ("Права человека", "prava-cheloveka"),
        ("Щёлково, объявление", "shchyolkovo-obyavleniye"),
        ("外交部发言人", "wai-jiao-bu-fa-yan-ren"),
        ("Embassy comment on “the summit”", "embassy-comment-on-the-summit"),
    ],
)
def test_titles_and_names_in_any_script_are_transliterated(text, slug):
    assert slugify(text, 200) == slug


@given(text=st.text(alphabet=st.characters(max_codepoint=127), max_size=80))
def test_ascii_text_skips_the_cyrillic_scheme_for_the_same_slug(text):
    expected = transliterated_slug(
        iuliia.WIKIPEDIA.translate(text), max_length=60, word_boundary=True
    )
    assert slugify(text, 60) == expected


def test_an_imported_russian_title_gets_a_transliterated_slug(tmp_path):
    run_import(tmp_path, jsonl(RUSSIAN))

    assert Statement.objects.get().slug == (
        "2021-03-01-kommentary-posolstva-o-publichnom-rassledovanii"
    )


def test_two_russian_statements_on_one_day_are_both_imported(tmp_path):
    out, _ = run_import(tmp_path, jsonl(RUSSIAN, ANOTHER_RUSSIAN))

    assert "2 created" in out
    assert Statement.objects.values("slug").distinct().count() == 2


def test_a_different_statement_in_a_second_file_is_not_taken_for_the_first(
    tmp_path,
):
    run_import(tmp_path, jsonl(RUSSIAN))

    out, _ = run_import(tmp_path, jsonl(ANOTHER_RUSSIAN), "--update")

    assert "1 created, 0 updated, 0 skipped" in out
    assert Statement.objects.get(title=RUSSIAN["title"]).body == RUSSIAN["body"]


def test_titles_that_make_the_same_slug_get_numbered_ones_once(tmp_path):
    first = {**COMMENT, "title": "Comment!", "body": "First."}
    second = {**COMMENT, "title": "Comment?", "body": "Second."}
    no_letters = {**COMMENT, "title": "???", "body": "Third."}
    data = jsonl(first, second, no_letters)

    run_import(tmp_path, data)
    out, _ = run_import(tmp_path, data, "--update")

    assert dict(Statement.objects.values_list("slug", "body")) == {
        "2021-11-19-comment": "First.",
        "2021-11-19-comment-2": "Second.",
        "2021-11-19": "Third.",
    }
    assert "0 created, 0 updated, 3 skipped" in out


def test_a_given_slug_is_never_given_to_a_second_line(tmp_path):
    derived = {**COMMENT, "title": "Comment"}
    given = {**COMMENT, "title": "Other", "slug": "2021-11-19-comment"}

    _, err = run_import(tmp_path, jsonl(derived, given), failing=True)

    assert "skipped line 2: slug '2021-11-19-comment' was given to line 1" in err
    assert Statement.objects.get().title == "Comment"


def test_speakers_topics_and_statements_saved_without_a_slug_follow_the_rule():
    speaker = Speaker.objects.create(name="Сергей Лавров")
    namesake = Speaker.objects.create(name="Sergey Lavrov")
    topic = Topic.objects.create(name="Права человека")
    statement = Statement.objects.create(
        title="Заявление",
        body="Текст.",
        published_at=datetime.datetime(2021, 3, 1, 12, tzinfo=datetime.UTC),
    )

    assert (speaker.slug, namesake.slug) == ("sergey-lavrov", "sergey-lavrov-2")
    assert topic.slug == "prava-cheloveka"
    assert statement.slug == "2021-03-01-zayavleniye"


def test_imported_tags_and_speakers_follow_the_rule(tmp_path):
    run_import(
        tmp_path,
        jsonl({**RUSSIAN, "speakers": ["Мария Захарова"], "tags": ["Права человека"]}),
    )

    assert Speaker.objects.get().slug == "mariya-zakharova"
    assert Topic.objects.get().slug == "prava-cheloveka"


def test_a_statement_added_in_the_admin_without_a_slug_gets_one(admin_client):
    published = datetime.datetime(2021, 3, 1, 12, tzinfo=datetime.UTC)

    response = admin_client.post(
        "/admin/statements/statement/add/",
        statement_form(published, "Текст.", title="Заявление МИД", slug=""),
    )

    assert response.status_code == 302
    assert Statement.objects.get().slug == "2021-03-01-zayavleniye-mid"
