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

    assert page.select_one("#site-name").get_text(strip=True) == "Embassy press office"
    assert page.title.get_text().endswith("Embassy press office")
    assert "Django administration" not in str(page)


def test_the_slug_is_filled_in_from_the_title(admin_client):
    page = BeautifulSoup(
        admin_client.get("/admin/statements/statement/add/").content, "html.parser"
    )

    prepopulated = json.loads(
        page.select_one("#django-admin-prepopulated-fields-constants")[
            "data-prepopulated-fields"
        ]
    )
    assert {
        "id": "#id_slug",
        "name": "slug",
        "dependency_ids": ["#id_title"],
    }.items() <= (prepopulated[0].items())


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
