import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from statements.models import Statement
from statements.sitemaps import StatementSitemap

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def locations(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return [
        loc.text for loc in ET.fromstring(response.content).iterfind(".//sm:loc", NS)
    ]


def all_urls(client):
    return [
        url
        for section in locations(client, "/sitemap.xml")
        for url in locations(client, section.removeprefix("http://testserver"))
    ]


def test_sitemap_lists_public_statements_speakers_and_list_pages(
    client, make_statement, make_speaker
):
    speaker = make_speaker()
    public = make_statement(speakers=[speaker])
    draft_only = make_speaker("Unannounced Envoy")
    make_statement(status=Statement.Status.DRAFT, speakers=[draft_only])
    make_statement(
        published_at=timezone.now() + datetime.timedelta(days=1),
        speakers=[draft_only],
    )

    assert sorted(all_urls(client)) == sorted(
        f"http://testserver{path}"
        for path in [
            "/",
            "/statements/",
            # Each language's home, list, topics and about page, whatever
            # they hold.
            "/ru/",
            "/ru/statements/",
            "/topics/",
            "/ru/topics/",
            "/about/",
            "/ru/about/",
            public.get_absolute_url(),
            speaker.get_absolute_url(),
        ]
    )


def test_sections_are_split_into_pages_over_the_limit(
    client, make_statement, monkeypatch
):
    monkeypatch.setattr(StatementSitemap, "limit", 2)
    statements = [make_statement() for _ in range(5)]

    sections = locations(client, "/sitemap.xml")

    statement_pages = [url for url in sections if "statements" in url]
    assert statement_pages == [
        "http://testserver/sitemap-statements.xml",
        "http://testserver/sitemap-statements.xml?p=2",
        "http://testserver/sitemap-statements.xml?p=3",
    ]
    pages = [
        locations(client, url.removeprefix("http://testserver"))
        for url in statement_pages
    ]
    assert [len(page) for page in pages] == [2, 2, 1]
    assert sorted(url for page in pages for url in page) == sorted(
        f"http://testserver{statement.get_absolute_url()}" for statement in statements
    )


@pytest.mark.parametrize(
    "url",
    [
        "/sitemap-statements.xml?p=9",
        "/sitemap-statements.xml?p=x",
        "/sitemap-nothing.xml",
    ],
)
def test_missing_sitemap_pages_are_not_found(client, make_statement, url):
    make_statement()

    assert client.get(url).status_code == 404


def test_robots_txt_points_at_the_sitemap_with_an_absolute_url(client, db):
    response = client.get("/robots.txt")

    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /" not in lines
