"""Drafts and scheduled statements appear in no public place."""

import datetime
import html
import io
import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.utils import timezone

from counters.models import TrackedIncident
from statements.models import Statement, Turn

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


def test_neighbours_are_in_the_page_language_and_ties_go_by_key(client, make_statement):
    at = timezone.now() - datetime.timedelta(hours=5)
    first, second = make_statement(published_at=at), make_statement(published_at=at)
    make_statement(
        published_at=at + datetime.timedelta(minutes=30), language="ru", slug="ru"
    )
    third = make_statement(published_at=at + datetime.timedelta(hours=1))

    def neighbours(statement):
        context = client.get(statement.get_absolute_url()).context
        return context["older"], context["newer"]

    assert neighbours(first) == (None, second)
    assert neighbours(second) == (first, third)
    assert neighbours(third) == (second, None)


ENTRY_POINTS = [
    "/",
    "/statements/rss/",
    "/statements/atom/",
    "/sitemap.xml",
    "/robots.txt",
]
LINK = re.compile(r'(?:href="|<link>|<loc>)([^"<]+)')
CRAWL_LIMIT = 300


def same_site_path(page_url, link):
    """The path and query a link on ``page_url`` leads to, if it stays on the site."""
    url = urlsplit(urljoin(f"http://testserver{page_url}", html.unescape(link)))
    if url.netloc != "testserver" or url.path.startswith(("/admin/", "/static/")):
        return None
    return f"{url.path}?{url.query}" if url.query else url.path


def crawl(client):
    """Every page reachable from the entry points by same-site links, bounded."""
    pages, queue = {}, list(ENTRY_POINTS)
    while queue and len(pages) < CRAWL_LIMIT:
        url = queue.pop(0)
        if url in pages:
            continue
        pages[url] = client.get(url).content.decode()
        for link in LINK.findall(pages[url]):
            path = same_site_path(url, link)
            if path and path not in pages:
                queue.append(path)
    return pages


def test_crawling_the_public_site_finds_no_hidden_content(
    client, hidden_statements, make_statement
):
    public, hidden, speaker, topic = hidden_statements
    for statement in hidden:
        Turn.objects.create(
            statement=statement,
            position=1,
            role=Turn.Role.QUESTION,
            label="Question",
            text=f"Hidden turn of {statement.slug}.",
        )
    for number in range(25):
        make_statement(title=f"Filler {number}", speakers=[speaker], topics=[topic])
    TrackedIncident.objects.create(
        title="Retired",
        happened_on="2020-01-01",
        sentence="days since a retired count",
        is_active=False,
    )
    TrackedIncident.objects.create(
        title="Live", happened_on="2020-01-01", sentence="days since a live count"
    )

    pages = crawl(client)

    assert public.get_absolute_url() in pages
    assert speaker.get_absolute_url() in pages
    assert any("page=2" in url for url in pages)
    secrets = ["days since a retired count"]
    for statement in hidden:
        secrets += [statement.title, statement.slug, statement.body]
        secrets.append(f"Hidden turn of {statement.slug}.")
    for url, page in pages.items():
        for secret in secrets:
            assert secret not in page, (url, secret)
    assert "days since a live count" in pages["/"]


def test_export_leaves_out_hidden_statements_unless_asked(hidden_statements):
    public, hidden = hidden_statements[:2]
    published, everything = io.StringIO(), io.StringIO()

    call_command("export_statements", stdout=published)
    call_command("export_statements", "--all", stdout=everything)

    assert public.title in published.getvalue()
    for statement in hidden:
        assert statement.title not in published.getvalue()
        assert statement.slug not in published.getvalue()
        assert statement.title in everything.getvalue()


def test_speakers_and_topics_named_only_by_drafts_are_not_public(
    client, make_statement, make_speaker, make_topic
):
    secret_speaker = make_speaker("Undisclosed Envoy")
    secret_topic = make_topic("Secret negotiations")
    make_statement(
        title="Draft naming them",
        status=Statement.Status.DRAFT,
        speakers=[secret_speaker],
        topics=[secret_topic],
    )
    make_statement(title="Public one", speakers=[make_speaker()])

    assert client.get(secret_speaker.get_absolute_url()).status_code == 404
    for url in ["/statements/", "/speakers/sergey-lavrov/", "/statements/rss/"]:
        page = client.get(url).content.decode()
        assert "Undisclosed Envoy" not in page, url
        assert "Secret negotiations" not in page, url
    assert client.get("/statements/?speaker=undisclosed-envoy").status_code == 400
    assert client.get("/statements/?tag=secret-negotiations").status_code == 400
