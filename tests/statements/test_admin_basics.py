import datetime
import json
import zoneinfo

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from statements.models import Statement

from .test_admin import statement_form

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")


def test_the_admin_names_the_site(admin_client):
    page = BeautifulSoup(admin_client.get("/admin/").content, "html.parser")

    assert (
        page.select_one("#site-name").get_text(strip=True)
        == "Russian Embassy in the UK"
    )
    assert page.title.get_text().endswith("Russian Embassy in the UK")
    assert "Django administration" not in str(page)


@pytest.mark.parametrize(
    "url",
    [
        "/admin/statements/statement/add/",
        "/admin/statements/speaker/add/",
        "/admin/statements/topic/add/",
    ],
)
def test_no_slug_is_typed_in_by_the_admins_script(admin_client, url):
    """Its script would write a Russian title its own way; the one rule
    (statements.slugs) makes a slug left empty on save instead."""
    page = BeautifulSoup(admin_client.get(url).content, "html.parser")

    constants = page.select_one("#django-admin-prepopulated-fields-constants")
    assert constants is None or json.loads(constants["data-prepopulated-fields"]) == []
    assert page.select_one("#id_slug") is not None


def test_a_scheduled_statement_says_when_in_the_list_and_on_save(admin_client):
    when = datetime.datetime(2031, 12, 5, 9, 0, tzinfo=LONDON)

    response = admin_client.post(
        "/admin/statements/statement/add/",
        statement_form(when, "Body.", status="published"),
        follow=True,
    )

    expected = "Scheduled for 5 December 2031, 09:00"
    assert f"Status: {expected}." in response.content.decode()
    changelist = admin_client.get("/admin/statements/statement/").content.decode()
    assert f'<td class="field-publication_status">{expected}</td>' in changelist


def test_the_list_filters_by_draft_scheduled_and_published(
    admin_client, make_statement
):
    make_statement(title="Draft one", status=Statement.Status.DRAFT)
    make_statement(
        title="Scheduled one", published_at=timezone.now() + datetime.timedelta(days=2)
    )
    make_statement(title="Published one")

    def titles(status):
        response = admin_client.get(f"/admin/statements/statement/?status={status}")
        return [s.title for s in response.context["cl"].result_list]

    assert titles("draft") == ["Draft one"]
    assert titles("scheduled") == ["Scheduled one"]
    assert titles("published") == ["Published one"]
    page = admin_client.get("/admin/statements/statement/").content.decode()
    for status in ("draft", "scheduled", "published"):
        assert f'<a href="?status={status}">{status.capitalize()}</a>' in page
    assert "Draft — not published" in page
