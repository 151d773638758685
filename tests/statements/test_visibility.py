"""Drafts and scheduled statements appear in no public place."""

import datetime

import pytest
from django.utils import timezone

from statements.models import Statement

pytestmark = pytest.mark.django_db


@pytest.fixture
def hidden_statements(make_statement, make_speaker, make_topic):
    speaker, topic = make_speaker(), make_topic()
    public = make_statement(
        title="Public words",
        body="Public text, a sentence.",
        speakers=[speaker],
        topics=[topic],
    )
    draft = make_statement(
        title="Secret draft text",
        slug="secret-draft-text",
        status=Statement.Status.DRAFT,
        body="Draft body sentence.",
        speakers=[speaker],
        topics=[topic],
        featured=True,
    )
    scheduled = make_statement(
        title="Scheduled announcement text",
        slug="scheduled-announcement",
        published_at=timezone.now() + datetime.timedelta(days=1),
        body="Scheduled body sentence.",
        speakers=[speaker],
        topics=[topic],
        featured=True,
    )
    return public, [draft, scheduled], speaker, topic


def public_pages(public, speaker, topic):
    return [
        "/",
        "/statements/",
        f"/statements/?speaker={speaker.slug}",
        f"/statements/?tag={topic.slug}",
        "/statements/?kind=statement",
        "/statements/?q=text",
        "/statements/?date_from=2000-01-01&date_to=2100-01-01",
        speaker.get_absolute_url(),
        public.get_absolute_url(),
    ]


def test_hidden_statements_appear_on_no_public_page(client, hidden_statements):
    public, hidden, speaker, topic = hidden_statements

    for url in public_pages(public, speaker, topic):
        page = client.get(url).content.decode()
        assert "Public words" in page, url
        for statement in hidden:
            assert statement.title not in page, url
            assert statement.slug not in page, url
            assert statement.body not in page, url


def test_hidden_statements_are_not_counted(client, hidden_statements):
    speaker = hidden_statements[2]

    for url in ["/statements/", f"/statements/?speaker={speaker.slug}"]:
        assert client.get(url).context["paginator"].count == 1


def test_hidden_statement_pages_are_not_found(client, hidden_statements):
    for statement in hidden_statements[1]:
        assert client.get(statement.get_absolute_url()).status_code == 404


def test_scheduled_statement_appears_when_its_time_comes(client, hidden_statements):
    scheduled = hidden_statements[1][1]
    Statement.objects.filter(pk=scheduled.pk).update(
        published_at=timezone.now() - datetime.timedelta(seconds=1)
    )

    assert client.get(scheduled.get_absolute_url()).status_code == 200
    assert scheduled.title in client.get("/statements/").content.decode()


def test_staff_can_preview_a_draft_without_caching(admin_client, hidden_statements):
    draft = hidden_statements[1][0]

    response = admin_client.get(draft.get_absolute_url())

    assert response.status_code == 200
    assert "Preview: this statement is not public" in response.content.decode()
    assert "no-cache" in response["Cache-Control"]


def test_prev_next_links_skip_hidden_statements(client, make_statement):
    now = timezone.now()
    older = make_statement(
        title="Older one", published_at=now - datetime.timedelta(days=3)
    )
    make_statement(
        title="Draft between",
        status=Statement.Status.DRAFT,
        published_at=now - datetime.timedelta(days=2),
    )
    middle = make_statement(
        title="Middle one", published_at=now - datetime.timedelta(days=1)
    )
    make_statement(title="Future one", published_at=now + datetime.timedelta(days=1))

    response = client.get(middle.get_absolute_url())
    page = response.content.decode()

    assert response.context["older"] == older
    assert response.context["newer"] is None
    assert "Draft between" not in page and "Future one" not in page
