import datetime
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.db.models.signals import pre_save
from django.test import Client
from django.utils import timezone

from statements.models import Speaker, Statement, Turn

pytestmark = pytest.mark.django_db

SAMPLE_TRANSCRIPT = (
    Path(__file__).resolve().parents[1]
    / "data"
    / "transcripts"
    / "lavrov_makei_2021-11-10.txt"
)


@pytest.fixture
def press_officer(client):
    user = User.objects.create_user(
        "press", password="a-long-test-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Press office"))
    client.force_login(user)
    return client


def management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def statement_form(published_at, body, speakers=(), turns=(), **overrides):
    local = timezone.localtime(published_at)
    data = {
        "title": "Remarks at a news conference",
        "slug": "remarks-at-a-news-conference",
        "kind": "transcript",
        "status": "draft",
        "published_at_0": local.strftime("%d/%m/%Y"),
        "published_at_1": local.strftime("%H:%M:%S"),
        "delivered_on": "",
        "location": "Moscow",
        "lead": "",
        "body": body,
        **management("statement_speakers", len(speakers)),
        **management("image_links", 0),
        **management("document_links", 0),
        **management("turns", len(turns)),
    }
    for n, speaker in enumerate(speakers):
        data[f"statement_speakers-{n}-speaker"] = str(speaker.pk)
        data[f"statement_speakers-{n}-position"] = str(n)
    for n, turn in enumerate(turns):
        for key, value in turn.items():
            data[f"turns-{n}-{key}"] = value
    data.update(overrides)
    return data


def test_press_office_group_manages_content_but_not_users():
    codenames = set(
        Group.objects.get(name="Press office").permissions.values_list(
            "codename", flat=True
        )
    )

    assert {
        "add_statement",
        "change_statement",
        "delete_statement",
        "add_turn",
    } <= codenames
    assert {"change_clock", "change_trackedincident", "change_contactline"} <= codenames
    assert {"add_speaker", "change_topic"} <= codenames
    assert not {c for c in codenames if c.endswith(("_user", "_group", "_permission"))}


def test_press_officer_cannot_open_user_management(press_officer):
    assert press_officer.get("/admin/auth/user/").status_code == 403
    assert press_officer.get("/admin/auth/group/").status_code == 403
    assert press_officer.get("/admin/statements/statement/").status_code == 200
    assert press_officer.get("/admin/counters/clock/add/").status_code == 200


def test_press_officer_creates_schedules_and_publishes_a_transcript(
    press_officer, client
):
    lavrov = Speaker.objects.create(name="Sergey Lavrov", slug="sergey-lavrov")
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    response = press_officer.post(
        "/admin/statements/statement/add/",
        statement_form(
            tomorrow,
            "Ladies and gentlemen, thank you for coming.",
            speakers=[lavrov],
            turns=[
                {
                    "position": "1",
                    "role": "question",
                    "label": "Question",
                    "text": "Why?",
                },
                {
                    "position": "2",
                    "role": "answer",
                    "label": "Sergey Lavrov",
                    "speaker": str(lavrov.pk),
                    "text": "Because.\n\nAnd more.",
                },
            ],
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    statement = Statement.objects.get()
    assert [t.label for t in statement.turns.all()] == ["Question", "Sergey Lavrov"]
    assert statement.status == "draft"

    response = press_officer.post(
        "/admin/statements/statement/",
        {"action": "publish", "_selected_action": [statement.pk]},
    )
    assert response.status_code == 302
    statement.refresh_from_db()
    assert statement.status == "published"
    client.logout()
    assert client.get(statement.get_absolute_url()).status_code == 404
    assert statement.title not in client.get("/statements/").content.decode()

    with time_machine.travel(tomorrow + datetime.timedelta(minutes=1)):
        page = client.get(statement.get_absolute_url()).content.decode()
        assert "Sergey Lavrov</a>:</strong> Because." in page
        assert statement.title in client.get("/statements/").content.decode()


def test_unpublish_action_hides_a_statement(admin_client, client, make_statement):
    statement = make_statement()

    admin_client.post(
        "/admin/statements/statement/",
        {"action": "unpublish", "_selected_action": [statement.pk]},
    )

    assert client.get(statement.get_absolute_url()).status_code == 404


def change_url(statement):
    return f"/admin/statements/statement/{statement.pk}/change/"


def loaded_version(client, statement):
    """The version stamp the change form gives an editor who opens it now."""
    form = client.get(change_url(statement)).context["adminform"].form
    return form["loaded_updated_at"].value()


def edit(statement, body, version, turns=(), **overrides):
    return statement_form(
        statement.published_at,
        body,
        turns=turns,
        title=overrides.pop("title", statement.title),
        slug=statement.slug,
        status=statement.status,
        location=statement.location,
        loaded_updated_at=version,
        **overrides,
    )


@pytest.fixture
def second_editor(db):
    client = Client()
    client.force_login(
        User.objects.create_superuser("second", password="a-long-test-password")
    )
    return client


def test_second_editor_is_refused_instead_of_overwriting_the_first(
    admin_client, second_editor, make_statement
):
    statement = make_statement(body="Original body.")
    first_version = loaded_version(admin_client, statement)
    second_version = loaded_version(second_editor, statement)

    saved = admin_client.post(
        change_url(statement),
        edit(statement, "First editor's body.", first_version, minor_change="on"),
    )
    refused = second_editor.post(
        change_url(statement),
        edit(statement, "Second editor's body.", second_version, minor_change="on"),
    )

    assert saved.status_code == 302
    assert refused.status_code == 200
    assert (
        "Someone else saved this statement after you opened it"
        in refused.content.decode()
    )
    statement.refresh_from_db()
    assert statement.body == "First editor's body."

    reloaded = loaded_version(second_editor, statement)
    again = second_editor.post(
        change_url(statement),
        edit(statement, "Second editor's body.", reloaded, minor_change="on"),
    )
    assert again.status_code == 302
    statement.refresh_from_db()
    assert statement.body == "Second editor's body."


def test_change_form_without_a_version_stamp_is_refused(admin_client, make_statement):
    statement = make_statement(body="Original body.")

    response = admin_client.post(change_url(statement), edit(statement, "New.", ""))

    assert response.status_code == 200
    statement.refresh_from_db()
    assert statement.body == "Original body."


class TurnRefused(Exception):
    pass


def refuse_turn(sender, instance, **kwargs):
    raise TurnRefused(instance.text)


def test_a_failed_turn_save_leaves_the_previous_version_whole(
    admin_client, make_statement
):
    statement = make_statement(title="Before", body="Body before.")
    turn = Turn.objects.create(
        statement=statement,
        position=1,
        role=Turn.Role.QUESTION,
        label="Question",
        text="Turn before.",
    )
    changed_turn = {
        "id": str(turn.pk),
        "statement": str(statement.pk),
        "position": "1",
        "role": "question",
        "label": "Question",
        "text": "Turn after.",
    }
    data = edit(
        statement,
        "Body after.",
        loaded_version(admin_client, statement),
        turns=[changed_turn],
        title="After",
        change_note="Corrected.",
        **management("turns", 1, initial=1),
    )

    pre_save.connect(refuse_turn, sender=Turn)
    try:
        with pytest.raises(TurnRefused):
            admin_client.post(change_url(statement), data)
    finally:
        pre_save.disconnect(refuse_turn, sender=Turn)

    statement.refresh_from_db()
    assert (statement.title, statement.body) == ("Before", "Body before.")
    assert [t.text for t in statement.turns.all()] == ["Turn before."]
    response = admin_client.post(change_url(statement), data)
    assert response.status_code == 302
    assert [t.text for t in statement.turns.all()] == ["Turn after."]


def test_publish_action_dates_a_past_draft_now_and_keeps_its_history(
    admin_client, make_statement
):
    week_ago = timezone.now() - datetime.timedelta(days=7)
    draft = make_statement(status=Statement.Status.DRAFT, published_at=week_ago)
    versions = draft.history.count()

    admin_client.post(
        "/admin/statements/statement/",
        {"action": "publish", "_selected_action": [draft.pk]},
    )

    draft.refresh_from_db()
    assert draft.status == "published"
    assert draft.published_at > timezone.now() - datetime.timedelta(minutes=1)
    assert draft.history.count() == versions + 1
    assert draft.history.first().history_user.username == "admin"


def test_turns_added_in_the_admin_get_unique_anchors(admin_client, make_statement):
    statement = make_statement(kind="transcript", body="Opening.")
    data = statement_form(
        statement.published_at,
        "Opening.",
        turns=[
            {"position": "0", "role": "question", "label": "Question", "text": "Why?"},
            {"position": "0", "role": "answer", "label": "A", "text": "Because."},
            {"position": "0", "role": "question", "label": "Question", "text": "When?"},
        ],
        title=statement.title,
        slug=statement.slug,
        status=statement.status,
        loaded_updated_at=statement.updated_at.isoformat(),
        change_note="Questions and answers added.",
    )

    response = admin_client.post(
        f"/admin/statements/statement/{statement.pk}/change/", data
    )

    assert response.status_code == 302
    assert [(t.position, t.text) for t in statement.turns.all()] == [
        (1, "Why?"),
        (2, "Because."),
        (3, "When?"),
    ]
