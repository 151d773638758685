"""What search engines, link previews and feed readers read in each page's head."""

import datetime
import json

import pytest
from bs4 import BeautifulSoup

from statements.models import Statement

pytestmark = pytest.mark.django_db

BASE = "http://testserver"


def soup(client, url, status=200):
    # Another form of a list's address leads to its one address.
    response = client.get(url, follow=True)
    assert response.status_code == status, url
    return BeautifulSoup(response.content, "html.parser")


def meta(page, key):
    tag = page.find("meta", attrs={"property": key}) or page.find(
        "meta", attrs={"name": key}
    )
    return tag["content"]


def canonical(page):
    return page.find("link", rel="canonical")["href"]


@pytest.fixture
def site(make_statement, make_speaker, make_topic):
    speaker = make_speaker(position="Foreign Minister of Russia")
    statement = make_statement(
        title="Remarks in Paris",
        lead="The minister answered questions in Paris.",
        kind=Statement.Kind.TRANSCRIPT,
        speakers=[speaker],
        topics=[make_topic("France")],
    )
    for _ in range(20):
        make_statement(kind=Statement.Kind.TRANSCRIPT)
    return statement, speaker


def public_pages(statement, speaker):
    return {
        "/": "Russian Embassy in the UK",
        "/statements/": "Statements - Russian Embassy in the UK",
        "/statements/?page=2": "Statements, page 2 - Russian Embassy in the UK",
        "/statements/?kind=transcript&speaker=sergey-lavrov": (
            "Statements by Sergey Lavrov, transcripts - Russian Embassy in the UK"
        ),
        speaker.get_absolute_url(): "Sergey Lavrov - Russian Embassy in the UK",
        f"{speaker.get_absolute_url()}?kind=transcript": (
            "Sergey Lavrov, transcripts - Russian Embassy in the UK"
        ),
        statement.get_absolute_url(): "Remarks in Paris - Russian Embassy in the UK",
    }


def test_every_public_page_has_its_own_title(client, site):
    titles = {url: soup(client, url).title.string for url in public_pages(*site)}

    assert titles == public_pages(*site)


@pytest.mark.parametrize("which", ["home", "list", "speaker", "statement"])
def test_pages_carry_description_canonical_open_graph_and_twitter_tags(
    client, site, which
):
    statement, speaker = site
    path, og_type = {
        "home": ("/", "website"),
        "list": ("/statements/", "website"),
        "speaker": (speaker.get_absolute_url(), "website"),
        "statement": (statement.get_absolute_url(), "article"),
    }[which]

    page = soup(client, path)

    assert page.html["lang"] == "en-GB"
    assert canonical(page) == f"{BASE}{path}"
    assert meta(page, "og:url") == canonical(page)
    assert meta(page, "og:type") == og_type
    assert meta(page, "og:site_name") == "Russian Embassy in the UK"
    assert meta(page, "og:title") == meta(page, "twitter:title")
    assert meta(page, "og:title") in page.title.string
    assert meta(page, "description")
    assert meta(page, "og:description") == meta(page, "description")
    assert meta(page, "twitter:description") == meta(page, "description")
    assert meta(page, "twitter:card") == "summary"


def test_statement_description_is_its_lead(client, site):
    page = soup(client, site[0].get_absolute_url())

    assert meta(page, "description") == "The minister answered questions in Paris."


def test_speaker_description_names_the_speaker_and_position(client, site):
    page = soup(client, site[1].get_absolute_url())

    assert meta(page, "description") == (
        "Statements by Sergey Lavrov, Foreign Minister of Russia."
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?page=1", "/statements/"),
        ("?page=2", "/statements/?page=2"),
        (
            "?utm_source=mail&q=&page=2&kind=transcript&date_from=",
            "/statements/?kind=transcript&page=2",
        ),
        ("?kind=poem", "/statements/"),
    ],
)
def test_list_canonical_keeps_the_filters_and_page_and_drops_the_rest(
    client, site, query, expected
):
    status = 400 if "poem" in query else 200

    assert canonical(soup(client, f"/statements/{query}", status)) == BASE + expected


def test_list_pages_link_their_own_filtered_feeds(client, site):
    speaker = site[1]
    expectations = {
        "/statements/": "",
        "/statements/?kind=transcript&page=2&utm_source=x": "?kind=transcript",
        f"{speaker.get_absolute_url()}?kind=transcript": (
            "?kind=transcript&speaker=sergey-lavrov"
        ),
    }

    for url, query in expectations.items():
        page = soup(client, url)
        alternates = {
            link["type"]: link["href"]
            for link in page.find_all("link", rel="alternate", type=True)
        }
        visible = [a["href"] for a in page.select(".feed-links a")]
        assert alternates == {
            "application/rss+xml": f"/statements/rss/{query}",
            "application/atom+xml": f"/statements/atom/{query}",
        }, url
        assert visible == list(alternates.values()), url


def test_statement_carries_news_article_structured_data(client, site):
    statement, speaker = site

    page = soup(client, statement.get_absolute_url())

    data = json.loads(page.find("script", type="application/ld+json").string)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Remarks in Paris"
    assert datetime.datetime.fromisoformat(data["datePublished"]) == (
        statement.published_at
    )
    assert datetime.datetime.fromisoformat(data["dateModified"]) == (
        statement.updated_at
    )
    assert data["author"] == [
        {
            "@type": "Person",
            "name": "Sergey Lavrov",
            "url": f"{BASE}{speaker.get_absolute_url()}",
            "jobTitle": "Foreign Minister of Russia",
        }
    ]
    assert data["publisher"] == {
        "@type": "Organization",
        "name": "Embassy of the Russian Federation to the United Kingdom",
        "url": f"{BASE}/",
    }


def test_structured_data_cannot_close_its_script_element(client, make_statement):
    title = "Words </script><script>alert(1)</script> & <!-- more"
    statement = make_statement(title=title)

    response = client.get(statement.get_absolute_url())

    assert b"</script><script>alert(1)" not in response.content
    page = BeautifulSoup(response.content, "html.parser")
    data = json.loads(page.find("script", type="application/ld+json").string)
    assert data["headline"] == title
    assert data["author"][0]["@type"] == "Organization"


def test_error_pages_claim_no_canonical_address(client, db):
    page = soup(client, "/statements/no-such-thing/", status=404)

    assert page.find("link", rel="canonical") is None
    assert page.title.string == "Page not found - Russian Embassy in the UK"
