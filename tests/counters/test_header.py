import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command

from counters.models import Clock, TrackedIncident

pytestmark = pytest.mark.django_db

UTC = zoneinfo.ZoneInfo("UTC")


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())


def header_at(client, moment):
    with time_machine.travel(moment, tick=False):
        return client.get("/").content.decode()


def test_home_page_header_matches_the_embassy_page_of_4_december_2021(client, demo):
    page = header_at(client, datetime.datetime(2021, 12, 4, 22, 52, tzinfo=UTC))

    assert "4 December 2021" in page
    assert "Moscow: <time" in page and ">01:52</time>" in page
    assert "London: <time" in page and ">22:52</time>" in page
    assert "Consular queries:" in page and "+44 (0) 203 668 7474" in page
    assert (
        '<strong class="counter-days">1371</strong> '
        '<a href="/statements/?tag=salisbury">days have passed since the '
        "Salisbury incident"
    ) in page
    assert (
        '<strong class="counter-days">1363</strong> days have passed since the '
        "death of Nikolay Glushkov"
    ) in page


def test_date_line_follows_london_not_utc(client, demo):
    # 23:30 UTC on 1 June is already 2 June in London (BST).
    page = header_at(client, datetime.datetime(2021, 6, 1, 23, 30, tzinfo=UTC))

    assert "2 June 2021" in page
    assert "London: <time" in page and ">00:30</time>" in page


def test_day_count_turns_over_at_london_midnight(demo):
    salisbury = TrackedIncident.objects.get(title="Salisbury incident")

    assert salisbury.days_since(datetime.date(2021, 12, 4)) == 1371
    assert salisbury.days_since(datetime.date(2021, 12, 5)) == 1372
    assert salisbury.days_since(datetime.date(2018, 3, 4)) == 0


def test_inactive_counter_is_not_shown(client, demo):
    TrackedIncident.objects.filter(title="Salisbury incident").update(is_active=False)

    page = client.get("/").content.decode()

    assert "Salisbury incident" not in page
    assert "Nikolay Glushkov" in page


@pytest.mark.parametrize(
    ("utc_moment", "zone", "shown"),
    [
        # London's spring change, 28 March 2021, 01:00 UTC.
        ((2021, 3, 28, 0, 59), "Europe/London", "00:59"),
        ((2021, 3, 28, 1, 0), "Europe/London", "02:00"),
        # London's autumn change, 31 October 2021, 01:00 UTC.
        ((2021, 10, 31, 0, 59), "Europe/London", "01:59"),
        ((2021, 10, 31, 1, 0), "Europe/London", "01:00"),
        # Moscow left UTC+4 for UTC+3 on 26 October 2014, 02:00 local.
        ((2014, 10, 25, 12, 0), "Europe/Moscow", "16:00"),
        ((2014, 10, 27, 12, 0), "Europe/Moscow", "15:00"),
        # Moscow under permanent UTC+4 in winter 2012.
        ((2012, 1, 15, 12, 0), "Europe/Moscow", "16:00"),
    ],
)
def test_clocks_are_right_across_daylight_saving_changes(
    client, utc_moment, zone, shown
):
    Clock.objects.create(label="Here", zone=zone)

    page = header_at(client, datetime.datetime(*utc_moment, tzinfo=UTC))

    assert f">{shown}</time>" in page


def test_clock_zone_must_be_a_common_iana_zone(admin_client):
    response = admin_client.post(
        "/admin/counters/clock/add/",
        {"label": "Nowhere", "zone": "Mars/Olympus", "order": 1},
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Clock.objects.exists()
