import datetime
import zoneinfo

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from statements.models import Statement

pytestmark = pytest.mark.django_db

GREETED = (
    "Ladies and gentlemen,\n\nGood afternoon, colleagues,\n\n"
    "The talks gave the negotiations a timetable.\n\nSecond point."
)


def test_the_featured_statement_title_links_to_its_page(client, make_statement):
    featured = make_statement(title="Featured remarks", featured=True)

    soup = BeautifulSoup(client.get("/").content, "html.parser")

    title = soup.select_one(".featured .statement__title a")
    assert title is not None and title["href"] == featured.get_absolute_url()
    assert title.get_text() == "Featured remarks"


def test_the_latest_list_does_not_repeat_the_featured_statement(client, make_statement):
    featured = make_statement(title="Featured remarks", featured=True)
    make_statement(
        title="Older comment", published_at=timezone.now() - datetime.timedelta(days=1)
    )

    response = client.get("/")

    latest = [statement.title for statement in response.context["latest"]]
    assert latest == ["Older comment"]
    soup = BeautifulSoup(response.content, "html.parser")
    assert featured.title not in soup.select_one(".latest").get_text()


def test_automatic_leads_skip_greetings_in_lists_descriptions_and_cards(
    client, make_statement
):
    statement = make_statement(title="Greeted remarks", body=GREETED)

    listing = BeautifulSoup(client.get("/statements/").content, "html.parser")
    detail = BeautifulSoup(
        client.get(statement.get_absolute_url()).content, "html.parser"
    )

    lead = "The talks gave the negotiations a timetable."
    assert listing.select_one(".statement-item__lead").get_text() == lead
    for selector in [
        'meta[name="description"]',
        'meta[property="og:description"]',
        'meta[name="twitter:description"]',
    ]:
        assert detail.select_one(selector)["content"] == lead, selector
    feed = client.get("/statements/rss/").content.decode()
    assert f"<description>{lead}</description>" in feed


def test_a_written_lead_is_kept_as_written(make_statement):
    statement = make_statement(body=GREETED, lead="Ladies and gentlemen, a lead.")

    assert statement.summary == "Ladies and gentlemen, a lead."


def test_the_speakers_index_lists_speakers_of_public_statements_with_counts(
    client, make_statement, make_speaker
):
    lavrov, zakharova = make_speaker(), make_speaker("Maria Zakharova")
    hidden = make_speaker("Not Yet Published")
    make_statement(speakers=[lavrov])
    make_statement(speakers=[lavrov, zakharova])
    make_statement(speakers=[zakharova, hidden], status=Statement.Status.DRAFT)
    make_statement(
        speakers=[hidden], published_at=timezone.now() + datetime.timedelta(days=1)
    )

    response = client.get("/speakers/")

    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    items = [" ".join(li.get_text().split()) for li in soup.select(".speaker-list li")]
    assert items == ["Maria Zakharova: 1 statement", "Sergey Lavrov: 2 statements"]
    assert soup.select_one(".speaker-list a")["href"] == "/speakers/maria-zakharova/"
    assert soup.select_one('a[href="/speakers/"]') is not None


def test_a_draft_preview_says_it_is_a_draft(admin_client, make_statement):
    draft = make_statement(status=Statement.Status.DRAFT)

    page = admin_client.get(draft.get_absolute_url()).content.decode()

    assert "<dt>Status</dt><dd>Draft — not published</dd>" in page
    assert "<dt>Published</dt>" not in page


def test_a_scheduled_preview_says_when_it_is_published(admin_client, make_statement):
    when = datetime.datetime(
        2031, 12, 5, 9, 0, tzinfo=zoneinfo.ZoneInfo("Europe/London")
    )
    scheduled = make_statement(published_at=when)

    page = admin_client.get(scheduled.get_absolute_url()).content.decode()

    assert "<dd>Scheduled for 5 December 2031, 09:00</dd>" in page
