"""A pasted transcript: saved and split in one step, corrected in place on the
proposal page, public only once confirmed, its speakers taken from its turns."""

import re
from pathlib import Path

import pytest
from django.utils import timezone

from statements.models import Speaker, Statement, Turn

from .test_admin import change_url, edit, loaded_version, statement_form

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "transcripts"
KELIN = (
    "Good afternoon, colleagues,\n\n"
    "We have a short statement on the talks.\n\n"
    "Question: What did the talks achieve?\n\n"
    "Andrei Kelin: A timetable for the next round.\n\n"
    "It was agreed on Tuesday.\n\n"
    "Question: Will you meet again?\n\n"
    "Andrei Kelin: Yes, in January."
)


def structure_url(statement):
    return f"/admin/statements/statement/{statement.pk}/structure/"


def paste(client, body, **overrides):
    """Paste ``body`` into a new statement and press "Save and split into turns"."""
    response = client.post(
        "/admin/statements/statement/add/",
        statement_form(timezone.now(), body, _split="Save and split", **overrides),
    )
    statement = Statement.objects.get(slug="remarks-at-a-news-conference")
    assert response.status_code == 302
    assert response["Location"] == structure_url(statement)
    return statement


def proposal(client, statement):
    """The proposal page, its rows' values, and the data that confirms it as is."""
    page = client.get(structure_url(statement))
    assert page.status_code == 200
    formset = page.context["proposal"].formset
    data = {"version": page.context["proposal"].version}
    data.update(
        (f"rows-{key}", value)
        for key, value in formset.management_form.initial.items()
        if value is not None
    )
    rows = [
        {name: form[name].value() or "" for name in form.fields}
        for form in formset.forms
    ]
    for number, values in enumerate(rows):
        set_row(data, number, **values)
    return rows, data, page


def set_row(data, number, **values):
    data.update({f"rows-{number}-{name}": value for name, value in values.items()})


def test_a_pasted_transcript_is_split_in_two_steps_and_sets_the_speakers(
    admin_client, client
):
    statement = paste(admin_client, KELIN, status="published")
    assert not statement.turns.exists()

    rows, data, page = proposal(admin_client, statement)
    assert [row["starts"] for row in rows] == [
        "opening",
        "opening",
        "question",
        "answer",
        "",
        "question",
        "answer",
    ]
    assert "Not yet known as speakers: <strong>Andrei Kelin</strong>" in (
        page.content.decode()
    )
    response = admin_client.post(structure_url(statement), data)

    assert response.status_code == 302
    assert response["Location"] == change_url(statement)
    statement.refresh_from_db()
    kelin = Speaker.objects.get(name="Andrei Kelin")
    assert list(statement.speakers.all()) == [kelin]
    assert [(t.role, t.label, t.speaker) for t in statement.turns.all()] == [
        ("question", "Question", None),
        ("answer", "Andrei Kelin", kelin),
        ("question", "Question", None),
        ("answer", "Andrei Kelin", kelin),
    ]
    assert statement.body == (
        "Good afternoon, colleagues,\n\nWe have a short statement on the talks."
    )
    assert statement.summary == "We have a short statement on the talks."

    detail = client.get(statement.get_absolute_url()).content.decode()
    assert '<a href="/speakers/andrei-kelin/">Andrei Kelin</a>:</strong>' in detail
    assert client.get("/speakers/andrei-kelin/").status_code == 200
    filtered = client.get("/statements/?speaker=andrei-kelin").content.decode()
    assert statement.title in filtered


def test_speakers_follow_the_order_of_first_appearance_after_those_named(
    admin_client, make_speaker
):
    lavrov, makei = make_speaker(), make_speaker("Vladimir Makei")
    body = (
        "Opening.\n\nQuestion: One?\n\nVladimir Makei: Yes.\n\n"
        "Question: Two?\n\nSergey Lavrov: No.\n\nQuestion: Three?\n\n"
        "Vladimir Makei: Maybe."
    )
    statement = paste(admin_client, body)

    _, data, _ = proposal(admin_client, statement)
    admin_client.post(structure_url(statement), data)

    assert list(statement.speakers.order_by("speaker_statements__position")) == [
        makei,
        lavrov,
    ]


def test_the_editor_corrects_the_split_in_place(admin_client, make_speaker):
    kelin = make_speaker("Andrei Kelin")
    statement = paste(admin_client, KELIN)
    _, data, _ = proposal(admin_client, statement)

    # The opening's second paragraph is an answer by a known speaker.
    set_row(data, 1, starts="answer", label="Andrei Kelin", speaker=str(kelin.pk))
    # The first question and answer become one turn (merge)...
    set_row(data, 3, starts="")
    # ...and the answer's second paragraph a question of its own (split).
    set_row(data, 4, starts="question", label="Question (follow-up)")
    # The last answer is read as a question by mistake: change its role back.
    set_row(data, 6, starts="question", label="Correspondent")
    response = admin_client.post(structure_url(statement), data)

    assert response.status_code == 302
    turns = list(statement.turns.all())
    assert [(t.role, t.label, t.speaker, t.note) for t in turns] == [
        ("answer", "Andrei Kelin", kelin, ""),
        ("question", "Question", None, ""),
        ("question", "Question (follow-up)", None, "follow-up"),
        ("question", "Question", None, ""),
        ("question", "Correspondent", None, ""),
    ]
    assert turns[1].text == (
        "What did the talks achieve?\n\nAndrei Kelin: A timetable for the next round."
    )
    assert turns[4].text == "Yes, in January."
    statement.refresh_from_db()
    assert statement.body == "Good afternoon, colleagues,"


def test_a_paragraph_marked_as_opening_remarks_joins_the_opening(admin_client):
    statement = paste(
        admin_client, "PM: We agreed.\n\nQ: On what?\n\nPM: On the timetable."
    )
    _, data, _ = proposal(admin_client, statement)

    set_row(data, 0, starts="opening")
    admin_client.post(structure_url(statement), data)

    statement.refresh_from_db()
    assert statement.body == "PM: We agreed."
    assert [t.label for t in statement.turns.all()] == ["Q", "PM"]


def test_opening_remarks_after_a_question_are_refused_and_nothing_is_saved(
    admin_client,
):
    statement = paste(admin_client, KELIN)
    _, data, _ = proposal(admin_client, statement)

    set_row(data, 5, starts="opening")
    response = admin_client.post(structure_url(statement), data)

    assert response.status_code == 200
    assert "Opening remarks come before the first question" in (
        response.content.decode()
    )
    assert not statement.turns.exists()
    assert not Speaker.objects.exists()


def test_a_proposal_for_text_changed_since_is_refused(admin_client):
    statement = paste(admin_client, KELIN)
    _, data, _ = proposal(admin_client, statement)
    Statement.objects.filter(pk=statement.pk).update(pending_transcript="Other.")

    response = admin_client.post(structure_url(statement), data)

    assert response.status_code == 200
    assert "changed since this page was opened" in response.content.decode()
    assert not statement.turns.exists()


@pytest.mark.parametrize("total", ["3", "", "many"])
def test_a_proposal_with_rows_missing_or_garbled_is_refused(admin_client, total):
    statement = paste(admin_client, KELIN)
    _, data, _ = proposal(admin_client, statement)

    response = admin_client.post(
        structure_url(statement), {**data, "rows-TOTAL_FORMS": total}
    )

    assert response.status_code == 200
    assert not statement.turns.exists()
    statement.refresh_from_db()
    assert statement.pending_transcript == KELIN


def test_a_published_statement_never_shows_the_unconfirmed_text(
    admin_client, client, make_statement
):
    statement = make_statement(body="The statement as published.")
    data = edit(statement, KELIN, loaded_version(admin_client, statement))
    response = admin_client.post(change_url(statement), {**data, "_split": "Split"})
    assert response["Location"] == structure_url(statement)

    page = client.get(statement.get_absolute_url()).content.decode()
    assert "The statement as published." in page
    assert "What did the talks achieve?" not in page

    Turn.objects.create(
        statement=statement, position=1, role="question", label="Q", text="Old?"
    )
    _, data, page = proposal(admin_client, statement)
    assert "replaces the statement's 1 existing turn." in page.content.decode()
    refused = admin_client.post(structure_url(statement), data)
    assert "public change note" in refused.content.decode()
    assert "What did the talks achieve?" not in (
        client.get(statement.get_absolute_url()).content.decode()
    )

    data["change_note"] = "The questions and answers were added."
    admin_client.post(structure_url(statement), data)
    page = client.get(statement.get_absolute_url()).content.decode()
    assert "What did the talks achieve?" in page
    assert "The questions and answers were added." in page


def test_discarding_the_pasted_text_leaves_the_statement_as_it_was(
    admin_client, make_statement
):
    statement = make_statement(body="As published.")
    data = edit(statement, KELIN, loaded_version(admin_client, statement))
    admin_client.post(change_url(statement), {**data, "_split": "Split"})

    admin_client.post(structure_url(statement), {"_discard": "Discard"})

    statement.refresh_from_db()
    assert (statement.body, statement.pending_transcript) == ("As published.", "")
    assert admin_client.get(structure_url(statement)).status_code == 302


def test_the_sample_transcript_is_split_into_its_ten_turns(admin_client, make_speaker):
    lavrov, makei = make_speaker(), make_speaker("Vladimir Makei")
    pasted = (SAMPLE / "lavrov_makei_2021-11-10.txt").read_text(encoding="utf-8")
    statement = paste(
        admin_client,
        pasted,
        **{
            "statement_speakers-TOTAL_FORMS": "2",
            "statement_speakers-0-speaker": str(lavrov.pk),
            "statement_speakers-0-position": "0",
            "statement_speakers-1-speaker": str(makei.pk),
            "statement_speakers-1-position": "1",
        },
    )

    _, data, _ = proposal(admin_client, statement)
    admin_client.post(structure_url(statement), data)

    turns = list(statement.turns.all())
    assert len(turns) == 10
    assert [(t.role, t.label, t.speaker) for t in turns[:2]] == [
        ("question", "Question (addressed to both ministers)", None),
        ("answer", "Sergey Lavrov", lavrov),
    ]
    assert turns[3].note == "after Vladimir Makei"
    assert Turn.objects.filter(speaker=lavrov).count() == 5


@pytest.mark.parametrize(
    ("fixture", "turns", "speakers"),
    [
        ("un_briefing_short_labels.txt", 8, []),
        ("japan_mofa_surname_capitals.txt", 5, ["Mr. HAYASHI Yoshimasa"]),
        ("headings_translation_disclaimer.txt", 7, ["Spokesperson"]),
        (
            "indian_mea_first_names.txt",
            10,
            ["Official Spokesperson, Shri Arindam Bagchi"],
        ),
        (
            "russian_mfa_russian_labels.txt",
            5,
            ["\u0421.\u0412.\u041b\u0430\u0432\u0440\u043e\u0432"],
        ),
    ],
)
def test_each_real_format_is_split_through_the_admin_with_no_text_lost(
    admin_client, fixture, turns, speakers
):
    pasted = (SAMPLE / fixture).read_text(encoding="utf-8")
    statement = paste(admin_client, pasted)

    _, data, _ = proposal(admin_client, statement)
    admin_client.post(structure_url(statement), data)

    statement.refresh_from_db()
    saved = list(statement.turns.all())
    assert len(saved) == turns
    assert [s.name for s in statement.speakers.all()] == speakers
    result = " ".join(
        [statement.body, *(f"{turn.label}: {turn.text}" for turn in saved)]
    )
    assert re.findall(r"\w+", result) == re.findall(r"\w+", pasted)
