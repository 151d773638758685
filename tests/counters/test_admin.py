import datetime

import pytest
from django.utils import timezone

from counters.models import ContactLine, TrackedIncident

pytestmark = pytest.mark.django_db


def incident_form(happened_on):
    return {
        "title": "Salisbury",
        "happened_on": happened_on.isoformat(),
        "sentence_en": "days have passed since the Salisbury incident",
        "order": "0",
        "is_active": "on",
    }


def test_a_counter_dated_after_today_is_refused_with_a_form_error(admin_client):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = admin_client.post(
        "/admin/counters/trackedincident/add/", incident_form(tomorrow)
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "The date is after today" in errors["happened_on"][0]
    assert not TrackedIncident.objects.exists()


def test_a_counter_dated_today_is_accepted(admin_client):
    response = admin_client.post(
        "/admin/counters/trackedincident/add/", incident_form(timezone.localdate())
    )

    assert response.status_code == 302
    assert TrackedIncident.objects.get().days_since(timezone.localdate()) == 0


def test_a_future_dated_counter_never_shows_a_negative_count(admin_client, client):
    # Saved before the rule existed, or by an import that skips the form.
    TrackedIncident.objects.create(
        title="Future",
        happened_on=timezone.localdate() + datetime.timedelta(days=1129),
        sentence="days have passed since something",
    )

    page = client.get("/").content.decode()
    changelist = admin_client.get("/admin/counters/trackedincident/")

    assert '<strong class="counter-days">0</strong>' in page
    assert "-1129" not in page
    assert "-1129" not in changelist.content.decode()


@pytest.mark.parametrize(
    ("value", "link"),
    [
        ("press@example.org", 'href="mailto:press@example.org">press@example.org'),
        ("+44 (0) 203 668 7474", 'href="tel:+442036687474">+44 (0) 203 668 7474'),
    ],
)
def test_contact_lines_link_addresses_and_numbers(client, value, link):
    ContactLine.objects.create(label="Press", value=value)

    assert link in client.get("/").content.decode()


def test_a_contact_line_without_address_or_number_is_plain_text(client):
    ContactLine.objects.create(label="Press", value="Ask at the gate")

    page = client.get("/").content.decode()

    assert "Press: Ask at the gate</p>" in page
