"""Russian content: the exchange format, transcripts, search, and new versions."""

import contextlib
import io
import json
import uuid

import pytest
from bs4 import BeautifulSoup
from django.core.management import CommandError, call_command
from django.db import connection

from statements.models import (
    Speaker,
    Statement,
    StatementSpeaker,
    Topic,
    new_translation_key,
    new_translation_keys,
)

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search is PostgreSQL's"
)

RUSSIAN_TRANSCRIPT = {
    "title": "Ответы на вопросы СМИ",
    "published": "2021-11-10T15:00:00+00:00",
    "kind": "transcript",
    "speakers": ["Сергей Лавров"],
    "body": (
        "Дамы и господа,\n\nМы провели переговоры.\n\n"
        "Вопрос: Нужны ли Минску посредники?\n\n"
        "С.В.Лавров: Никто нас об этом не просил.\n\n"
        "Вопрос (обоим министрам): А доклад?\n\n"
        "Ответ: Это возмутительно."
    ),
    "language": "ru",
    "translation_key": "press-2021-11-10",
    "tags": ["Белоруссия"],
}


def import_lines(tmp_path, *records):
    file = tmp_path / "in.jsonl"
    file.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
        encoding="utf-8",
    )
    out, err = io.StringIO(), io.StringIO()
    # A line refused fails the command; the reasons are in its output.
    with contextlib.suppress(CommandError):
        call_command("import_statements", str(file), stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


@pytest.fixture
def lavrov(db):
    return Speaker.objects.create(name_en="Sergey Lavrov", name_ru="Сергей Лавров")


def test_russian_labels_become_turns_matched_to_speakers_by_their_russian_names(
    tmp_path, lavrov
):
    Topic.objects.create(name_en="Belarus", name_ru="Белоруссия")

    import_lines(tmp_path, RUSSIAN_TRANSCRIPT)

    statement = Statement.objects.get()
    turns = [(t.role, t.label, t.speaker) for t in statement.turns.all()]
    assert turns == [
        ("question", "Вопрос", None),
        ("answer", "С.В.Лавров", lavrov),
        ("question", "Вопрос (обоим министрам)", None),
        ("answer", "Ответ", None),
    ]
    assert statement.ordered_speakers == [lavrov]
    assert [t.name_en for t in statement.topics.all()] == ["Belarus"]
    assert Speaker.objects.count() == 1 and Topic.objects.count() == 1


def test_language_and_translation_key_are_imported_and_exported(tmp_path, lavrov):
    english = {
        "title": "Answers to media questions",
        "published": "2021-11-10T18:00:00+00:00",
        "body": "We held talks.",
        "translation_key": "press-2021-11-10",
    }

    import_lines(tmp_path, english, RUSSIAN_TRANSCRIPT)

    russian = Statement.objects.get(language="ru")
    assert russian.slug.startswith("2021-11-10-otvety-na-voprosy-smi")
    assert Statement.objects.get(language="en").translation_key == (
        russian.translation_key
    )
    out = io.StringIO()
    call_command("export_statements", stdout=out)
    exported = {
        line["title"]: line for line in map(json.loads, out.getvalue().splitlines())
    }
    assert exported["Ответы на вопросы СМИ"]["language"] == "ru"
    assert exported["Answers to media questions"]["language"] == "en"
    assert {line["translation_key"] for line in exported.values()} == {
        "press-2021-11-10"
    }


def test_a_line_without_the_new_fields_is_english_with_a_key_of_its_own(tmp_path):
    line = {"title": "A", "published": "2021-11-10", "body": "Text."}

    import_lines(tmp_path, line, {**line, "title": "B"})

    first, second = Statement.objects.order_by("title")
    assert first.language == second.language == "en"
    assert first.translation_key and first.translation_key != second.translation_key


def test_translation_keys_are_distinct_random_uuids():
    keys = [*new_translation_keys(500), new_translation_key()]

    assert len(set(keys)) == len(keys)
    assert all(uuid.UUID(hex=key).version == 4 for key in keys)
    assert all(key == uuid.UUID(hex=key).hex for key in keys)


def test_two_lines_for_one_version_or_an_unknown_language_are_refused(tmp_path):
    line = {"title": "A", "published": "2021-11-10", "body": "Text."}

    output = import_lines(
        tmp_path,
        {**line, "translation_key": "k"},
        {**line, "title": "B", "translation_key": "k"},
        {**line, "title": "C", "language": "xx"},
    )

    assert "line 2: line 1 is already the 'en' version of translation_key 'k'" in (
        output
    )
    assert "line 3: language 'xx' is not one of en, ru" in output
    assert list(Statement.objects.values_list("title", flat=True)) == ["A"]


def test_a_version_clashing_with_a_stored_one_is_refused_with_a_reason(
    tmp_path, make_statement
):
    make_statement(translation_key="k", language="ru")
    line = {"title": "A", "published": "2021-11-10", "body": "Text."}

    output = import_lines(tmp_path, {**line, "translation_key": "k", "language": "ru"})

    assert "line 1: the database refused it" in output
    assert Statement.objects.count() == 1


@postgres_only
def test_russian_search_finds_other_forms_of_a_word(client, make_statement):
    make_statement(language="ru", title="О введении санкций", body="Текст.")
    make_statement(language="ru", title="Ответ", body="Мы ответим санкциям.")
    make_statement(language="ru", title="Другое", body="Переговоры.")
    make_statement(title="On sanctions", body="The sanctions were imposed.")

    response = client.get("/ru/statements/", {"q": "санкции"})
    english = client.get("/statements/", {"q": "sanctions"})

    assert sorted(s.title for s in response.context["object_list"]) == [
        "О введении санкций",
        "Ответ",
    ]
    assert [s.title for s in english.context["object_list"]] == ["On sanctions"]
    assert "<mark>" in response.content.decode()


@postgres_only
def test_a_speakers_russian_answers_are_searched_in_russian(
    client, make_statement, lavrov, tmp_path
):
    import_lines(tmp_path, RUSSIAN_TRANSCRIPT)

    response = client.get(
        "/ru/statements/", {"q": "просили", "speaker": "sergey-lavrov"}
    )

    assert [s.title for s in response.context["object_list"]] == [
        "Ответы на вопросы СМИ"
    ]
    assert "просил" in response.content.decode()


def test_searches_keep_to_the_pages_language(client, make_statement):
    make_statement(language="ru", title="Санкции", body="Санкции.")
    make_statement(title="Sanctions", body="Санкции in a quotation.")

    russian = client.get("/ru/statements/", {"q": "Санкции"})
    english = client.get("/statements/", {"q": "Санкции"})

    assert [s.title for s in russian.context["object_list"]] == ["Санкции"]
    assert [s.title for s in english.context["object_list"]] in (
        ["Sanctions"],
        [],  # PostgreSQL's English stemmer may not match the Cyrillic word
    )


def test_add_russian_version_opens_a_linked_draft_with_the_shared_facts(
    admin_client, make_statement, lavrov
):
    belarus = Topic.objects.create(name_en="Belarus", name_ru="Белоруссия")
    makei = Speaker.objects.create(name_en="Vladimir Makei")
    english = make_statement(
        title="Joint news conference",
        kind=Statement.Kind.TRANSCRIPT,
        location="Moscow",
        delivered_on="2021-11-10",
        speakers=[lavrov, makei],
        topics=[belarus],
    )
    change = admin_client.get(
        f"/admin/statements/statement/{english.pk}/change/"
    ).content.decode()
    link = BeautifulSoup(change, "html.parser").find("a", string="Add Russian version")

    form = BeautifulSoup(admin_client.get(link["href"]).content, "html.parser")

    def value(name):
        field = form.find(attrs={"name": name})
        if field.name == "select":
            chosen = field.find_all("option", selected=True)
            return [option["value"] for option in chosen]
        return field.get("value")

    assert value("language") == ["ru"]
    assert value("translation_key") == english.translation_key
    assert value("kind") == ["transcript"]
    assert value("location") == "Moscow"
    assert value("delivered_on") == "10/11/2021"
    assert value("status") == ["draft"]
    assert value("topics") == [str(belarus.pk)]
    assert value("statement_speakers-0-speaker") == [str(lavrov.pk)]
    assert value("statement_speakers-1-speaker") == [str(makei.pk)]


def test_the_saved_version_is_linked_and_the_button_becomes_a_link(
    admin_client, make_statement, lavrov
):
    from .test_admin import statement_form

    english = make_statement(title="Joint news conference", speakers=[lavrov])
    data = statement_form(
        english.published_at,
        "Текст.",
        speakers=[lavrov],
        title="Совместная пресс-конференция",
        slug="",
        language="ru",
        translation_key=english.translation_key,
    )

    response = admin_client.post("/admin/statements/statement/add/", data)

    assert response.status_code == 302
    russian = Statement.objects.get(language="ru")
    assert russian.status == Statement.Status.DRAFT
    assert russian.slug.endswith("sovmestnaya-press-konferentsiya")
    assert list(
        StatementSpeaker.objects.filter(statement=russian).values_list(
            "speaker", flat=True
        )
    ) == [lavrov.pk]
    change = admin_client.get(
        f"/admin/statements/statement/{english.pk}/change/"
    ).content.decode()
    assert "Russian version: Совместная пресс-конференция" in change
    assert "Add Russian version" not in change
    again = admin_client.post("/admin/statements/statement/add/", data)
    assert again.status_code == 200
    assert Statement.objects.filter(language="ru").count() == 1


def test_about_page_gives_the_address_and_contact_lines_in_each_language(client):
    call_command("load_demo", stdout=io.StringIO())

    english = BeautifulSoup(client.get("/about/").content, "html.parser")
    russian = BeautifulSoup(client.get("/ru/about/").content, "html.parser")

    assert "13 Kensington Palace Gardens" in english.address.get_text()
    assert "Consular queries: +44 (0) 203 668 7474" in english.get_text()
    assert "Консульские вопросы: +44 (0) 203 668 7474" in russian.get_text()
    assert russian.h1.get_text() == "О посольстве и контакты"
    assert (
        "Посольство России в Великобритании"
        in russian.select_one(".site-name").get_text()
    )
