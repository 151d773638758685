"""A published statement's corrections keep the previous version and say so."""

import pytest
from django.utils import timezone

from statements.models import Statement, Turn

from .test_admin import change_url, edit, loaded_version, management

pytestmark = pytest.mark.django_db


@pytest.fixture
def public_statement(make_statement):
    """A public statement with a turn and, like imported ones, no history yet."""
    statement = make_statement(title="Original title", body="Original body.")
    Turn.objects.create(
        statement=statement,
        position=1,
        role=Turn.Role.QUESTION,
        label="Question",
        text="Original question?",
    )
    statement.history.all().delete()
    return statement


def correct(client, statement, body, turns=(), **overrides):
    data = edit(statement, body, loaded_version(client, statement), turns, **overrides)
    response = client.post(change_url(statement), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    statement.refresh_from_db()
    return statement


def turn_form(turn, text):
    return {
        "id": str(turn.pk),
        "statement": str(turn.statement_id),
        "position": str(turn.position),
        "role": turn.role,
        "label": turn.label,
        "text": text,
    }


def test_correcting_a_public_statement_keeps_the_previous_version(
    admin_client, admin_user, public_statement
):
    corrected = correct(
        admin_client,
        public_statement,
        "Corrected body.",
        change_note="A date was wrong.",
        **management("turns", 0),
    )

    latest, previous = corrected.history.all()[:2]
    assert (latest.body, latest.history_user) == ("Corrected body.", admin_user)
    assert latest.change_note == "A date was wrong."
    assert previous.body == "Original body."
    assert "Original question?" in previous.text_snapshot
    assert [c.note for c in corrected.corrections.all()] == ["A date was wrong."]


def test_public_page_says_when_and_why_a_statement_was_corrected(
    admin_client, client, public_statement
):
    correct(admin_client, public_statement, "Corrected body.", change_note="A typo.")

    page = client.get(public_statement.get_absolute_url()).content.decode()

    today = timezone.localdate().strftime("%-d %B %Y")
    assert f"{today}</time>: A typo." in page
    assert "Updated on" in page


def test_a_corrected_turn_is_a_correction_and_its_old_text_is_kept(
    admin_client, public_statement
):
    turn = public_statement.turns.get()

    corrected = correct(
        admin_client,
        public_statement,
        public_statement.body,
        turns=[turn_form(turn, "Corrected question?")],
        change_note="The question is quoted in full.",
        **management("turns", 1, initial=1),
    )

    latest, previous = corrected.history.all()[:2]
    assert "Corrected question?" in latest.text_snapshot
    assert "Original question?" in previous.text_snapshot
    assert corrected.corrections.get().note == "The question is quoted in full."


@pytest.mark.parametrize(
    "change",
    [
        {"status": Statement.Status.DRAFT, "body": "Draft rewrite."},
        {"body": "Original body.", "featured": "on"},
    ],
    ids=["draft", "no content change"],
)
def test_only_content_changes_to_public_statements_are_corrections(
    admin_client, client, make_statement, change
):
    statement = make_statement(
        body="Original body.", status=change.pop("status", Statement.Status.PUBLISHED)
    )

    edited = correct(admin_client, statement, change.pop("body"), **change)

    assert not edited.corrections.exists()
    assert edited.history.count() == 2
    assert "Updated on" not in client.get(statement.get_absolute_url()).content.decode()


def test_staff_see_who_changed_what_in_the_history(
    admin_client, admin_user, public_statement
):
    correct(admin_client, public_statement, "Corrected body.", change_note="A typo.")

    page = admin_client.get(
        f"/admin/statements/statement/{public_statement.pk}/history/"
    )

    html = page.content.decode()
    assert page.status_code == 200
    assert "A typo." in html
    assert admin_user.username in html
    assert "Original body." in html and "Corrected body." in html
