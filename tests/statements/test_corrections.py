"""Corrections follow GOV.UK's change notes: a public log, a note for every
change to the public text unless it is minor, and the log on the form."""

import datetime
import re

import pytest
import time_machine
from django.utils import timezone

from statements.models import Statement, Turn

from .test_admin import change_url, edit, loaded_version, management
from .test_history import correct, turn_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def public_statement(make_statement):
    return make_statement(title="Original title", body="Original body.")


def post(client, statement, body, **overrides):
    data = edit(statement, body, loaded_version(client, statement), **overrides)
    return client.post(change_url(statement), data)


def test_the_public_change_log_lists_every_correction_newest_first(
    admin_client, admin_user, client, public_statement
):
    # A day apart: each time signed in afresh, as staff sessions end when idle.
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1)):
        admin_client.force_login(admin_user)
        correct(admin_client, public_statement, "First fix.", change_note="A typo.")
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        admin_client.force_login(admin_user)
        correct(admin_client, public_statement, "Second.", change_note="A date.")

    page = client.get(public_statement.get_absolute_url()).content.decode()

    log = page[page.index("Updates to this page") :]
    assert log.index("A date.") < log.index("A typo.") < log.index("First published")
    assert re.search(r"Updated on <time [^>]*>[^<]*</time>: A date\.", page)


def test_a_change_to_public_text_without_a_note_is_refused(
    admin_client, public_statement
):
    response = post(admin_client, public_statement, "Changed body.")

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "say what changed in the public change note" in errors["change_note"][0]
    public_statement.refresh_from_db()
    assert public_statement.body == "Original body."
    assert not public_statement.corrections.exists()


def test_a_minor_change_needs_no_note_and_leaves_the_log_alone(
    admin_client, client, public_statement
):
    corrected = correct(
        admin_client, public_statement, "Original body, typo fixed.", minor_change="on"
    )

    assert corrected.body == "Original body, typo fixed."
    assert not corrected.corrections.exists()
    assert "Updated on" not in client.get(corrected.get_absolute_url()).content.decode()


def test_a_correction_without_a_note_keeps_the_previous_notes(
    admin_client, client, public_statement
):
    correct(admin_client, public_statement, "First fix.", change_note="A typo.")
    correct(admin_client, public_statement, "First fix, again.", minor_change="on")

    page = client.get(public_statement.get_absolute_url()).content.decode()

    assert "A typo." in page


def test_a_note_without_a_change_is_not_dropped_silently(
    admin_client, public_statement
):
    response = post(
        admin_client, public_statement, "Original body.", change_note="A typo."
    )

    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("change note was not published" in m for m in messages)
    assert not public_statement.corrections.exists()


def test_the_form_shows_the_public_change_log(admin_client, public_statement):
    correct(admin_client, public_statement, "First fix.", change_note="A typo.")

    page = admin_client.get(change_url(public_statement)).content.decode()

    assert "public change log (newest first)" in page.lower()
    assert re.search(r"<li>\d+ \w+ \d{4}, \d\d:\d\d: A typo\.</li>", page)
    assert "Minor change (no public note)" in page


def test_adding_a_lead_to_a_published_statement_is_not_a_correction(
    admin_client, client, public_statement
):
    corrected = correct(
        admin_client,
        public_statement,
        "Original body.",
        lead="The office's summary, written after publication.",
    )

    assert corrected.summary.startswith("The office's summary")
    assert not corrected.corrections.exists()
    assert "Updated on" not in client.get(corrected.get_absolute_url()).content.decode()


def test_updated_on_carries_a_datetime_without_microseconds(
    admin_client, client, public_statement
):
    correct(admin_client, public_statement, "Fixed.", change_note="A typo.")

    page = client.get(public_statement.get_absolute_url()).content.decode()

    stamp = re.search(r'Updated on <time datetime="([^"]+)"', page)[1]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}", stamp)


def test_the_history_screen_has_labels_staff_can_read(admin_client, public_statement):
    long_body = "A corrected body. " * 20
    correct(admin_client, public_statement, long_body, change_note="A typo.")

    page = admin_client.get(
        f"/admin/statements/statement/{public_statement.pk}/history/"
    ).content.decode()

    assert "Public change note" in page and "A typo." in page
    assert "CHANGE_NOTE" not in page.upper().replace("PUBLIC CHANGE NOTE", "")
    assert "Change reason" not in page and "None" not in page
    assert long_body.strip() in page
    assert "chars]" not in page


def test_a_draft_is_edited_without_notes(admin_client, make_statement):
    draft = make_statement(status=Statement.Status.DRAFT, body="Draft.")

    edited = correct(admin_client, draft, "Draft, rewritten.")

    assert edited.body == "Draft, rewritten."
    assert not edited.corrections.exists()


def test_a_changed_answer_without_a_note_is_refused(admin_client, make_statement):
    statement = make_statement(body="Opening.")
    turn = Turn.objects.create(
        statement=statement, position=1, role="question", label="Q", text="Why?"
    )

    response = post(
        admin_client,
        statement,
        "Opening.",
        turns=[turn_form(turn, "Why not?")],
        **management("turns", 1, initial=1),
    )

    assert response.status_code == 200
    assert "public change note" in response.content.decode()
    turn.refresh_from_db()
    assert turn.text == "Why?"


def test_a_new_log_entry_retires_the_cached_page(client, public_statement):
    assert "Updated on" not in client.get(public_statement.get_absolute_url()).text

    public_statement.corrections.create(note="A date was corrected.")

    page = client.get(public_statement.get_absolute_url()).text
    assert "A date was corrected." in page
