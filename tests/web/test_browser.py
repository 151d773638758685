import datetime
import re
import zoneinfo
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from counters.models import Clock
from statements.models import Statement

from .conftest import PAGES, TRANSCRIPT

pytestmark = pytest.mark.web

PHONE_WIDTHS = [320, 390]


def query(page):
    return parse_qs(urlsplit(page.url).query)


def test_clocks_tick_to_the_next_minute_without_a_reload(page, live_server, db):
    Clock.objects.create(label="Moscow", zone="Europe/Moscow")
    start = datetime.datetime(2030, 1, 1, 12, 0, tzinfo=datetime.UTC)
    page.clock.install(time=start)
    page.clock.pause_at(start + datetime.timedelta(seconds=1))
    page.goto(f"{live_server.url}/")
    clock = page.locator("time.clock")
    server_now = int(page.locator(".clocks").get_attribute("data-server-now"))
    moscow = zoneinfo.ZoneInfo("Europe/Moscow")

    def moscow_time(seconds):
        return datetime.datetime.fromtimestamp(seconds, moscow).strftime("%H:%M")

    expect(clock).to_have_text(moscow_time(server_now))
    # The script waits for the next minute plus 50 ms, at most 60.05 s.
    page.clock.run_for(60_100)

    expect(clock).to_have_text(moscow_time(server_now + 60))


def test_clocks_are_not_a_live_region(page, live_server, demo):
    page.goto(f"{live_server.url}/")

    expect(page.locator("time.clock").first).to_be_visible()
    assert (
        page.locator(".site-header [aria-live], .site-header [role=status]").count()
        == 0
    )


@pytest.fixture
def many_transcripts(make_statement, make_speaker):
    lavrov, zakharova = make_speaker(), make_speaker("Maria Zakharova")
    for _ in range(25):
        make_statement(kind=Statement.Kind.TRANSCRIPT, speakers=[lavrov])
    make_statement(
        title="Lavrov comment", kind=Statement.Kind.COMMENT, speakers=[lavrov]
    )
    make_statement(
        title="Zakharova transcript",
        kind=Statement.Kind.TRANSCRIPT,
        speakers=[zakharova],
    )


def test_filter_form_filters_announces_the_count_and_pagination_keeps_filters(
    page, live_server, many_transcripts
):
    page.goto(f"{live_server.url}/statements/")
    page.get_by_label("Speaker").select_option(label="Sergey Lavrov")
    page.get_by_label("Kind").select_option(label="Transcript")
    page.get_by_role("button", name="Filter").click()

    count = page.get_by_role("status")
    expect(count).to_have_text(
        "25 statements matching speaker: Sergey Lavrov, kind: Transcript; page 1 of 2"
    )
    expect(count).to_be_focused()
    assert query(page) == {"speaker": ["sergey-lavrov"], "kind": ["transcript"]}

    page.get_by_role("link", name="Older").click()

    expect(count).to_contain_text("page 2 of 2")
    assert query(page) == {
        "speaker": ["sergey-lavrov"],
        "kind": ["transcript"],
        "page": ["2"],
    }
    expect(page.locator(".statement-item")).to_have_count(5)
    expect(page.locator(".statement-item__meta")).to_have_text(
        ["Transcript · Sergey Lavrov"] * 5
    )


def test_filter_errors_are_tied_to_their_fields(page, live_server, db):
    page.goto(f"{live_server.url}/statements/?date_from=2021-12-01&date_to=2021-11-01")

    expect(page.get_by_label("To", exact=True)).to_have_accessible_description(
        "The end date is before the start date."
    )
    expect(page.get_by_role("status")).to_be_focused()


def test_questions_list_jumps_to_the_turn(page, live_server, demo):
    page.goto(f"{live_server.url}{TRANSCRIPT}")
    questions = page.get_by_role("navigation", name="Questions").get_by_role("link")
    target = questions.nth(3).get_attribute("href")

    questions.nth(3).click()

    expect(page).to_have_url(re.compile(f"{target}$"))
    expect(page.locator(target)).to_be_in_viewport()
    expect(page.locator(target)).to_contain_text("Question")


def test_turns_are_a_list_a_screen_reader_can_step_through(page, live_server, demo):
    page.goto(f"{live_server.url}{TRANSCRIPT}")

    turns = page.get_by_role("list", name="Questions and answers")
    expect(turns.get_by_role("listitem")).to_have_count(10)


@pytest.mark.parametrize("width", PHONE_WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_phone_width_needs_no_horizontal_scrolling(
    open_page, live_server, demo, width, name
):
    page = open_page({"width": width, "height": 800})
    page.goto(f"{live_server.url}{PAGES[name]}")

    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )

    assert widths[0] <= widths[1]


def test_filter_form_is_collapsed_on_phones_until_asked_for(
    open_page, live_server, demo
):
    phone = open_page({"width": 390, "height": 844})
    phone.goto(f"{live_server.url}/statements/")
    expect(phone.get_by_label("Speaker")).to_be_hidden()

    phone.get_by_text("Filter statements").click()

    expect(phone.get_by_label("Speaker")).to_be_visible()


def test_filter_form_is_open_on_phones_when_filters_are_applied(
    open_page, live_server, demo
):
    phone = open_page({"width": 390, "height": 844})
    phone.goto(f"{live_server.url}/statements/?kind=transcript")

    expect(phone.get_by_label("Kind")).to_be_visible()


def test_filter_form_is_shown_on_desktop(page, live_server, demo):
    page.goto(f"{live_server.url}/statements/")

    expect(page.get_by_label("Speaker")).to_be_visible()
    expect(page.get_by_text("Filter statements")).to_be_hidden()


def test_skip_link_is_the_first_stop_and_visible_when_focused(page, live_server, db):
    page.goto(f"{live_server.url}/")

    page.keyboard.press("Tab")

    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()


def test_statement_prints_without_navigation_and_with_its_address(
    page, live_server, demo
):
    page.goto(f"{live_server.url}{TRANSCRIPT}")
    page.emulate_media(media="print")

    expect(page.locator(".site-header")).to_be_hidden()
    navigations = page.locator("nav").all()
    # The main one, the language switch, the questions, the neighbours.
    assert len(navigations) == 4
    for navigation in navigations:
        expect(navigation).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator(".print-only")).to_have_text(f"{live_server.url}{TRANSCRIPT}")
    expect(page.locator(".print-only")).to_be_visible()
