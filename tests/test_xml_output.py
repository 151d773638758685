"""No text, typed in a parameter or stored in a statement, makes invalid XML.

Feeds and sitemaps are parsed with expat, which refuses every character XML
1.0 forbids; the JSON-LD in a statement's page is checked for them too.
"""

import json
import re
from urllib.parse import quote
from xml.dom import minidom

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

XML_URLS = [
    "/statements/rss/",
    "/statements/atom/",
    "/sitemap.xml",
    "/sitemap-statements.xml",
    "/sitemap-speakers.xml",
]
FORBIDDEN = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# One of each kind XML 1.0 forbids, and the edges of what it allows.
EDGES = (
    "\x00\x01\x08\x0b\x0c\x1f\x7f\x85\u2028\ud7ff\ud800\udfff"
    "\ue000\ufffd\ufffe\uffff\U0010ffff"
)
# What a database stores of them: no NUL (PostgreSQL), no lone surrogates.
STORABLE = EDGES.replace("\x00", "").replace("\ud800", "").replace("\udfff", "")


def assert_valid_xml(response):
    if response.status_code == 200:
        minidom.parseString(response.content)  # raises on invalid XML


@pytest.fixture
def content(make_statement, make_speaker, make_topic):
    speaker, topic = make_speaker(), make_topic()
    make_statement(speakers=[speaker], topics=[topic])
    return speaker


@settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    text=st.lists(
        st.one_of(
            st.integers(0, 0x10FFFF).map(chr),  # every code point, surrogates too
            st.characters(exclude_categories=()),
            st.sampled_from(EDGES),
        ),
        max_size=20,
    ).map("".join)
)
@example(text="\ufffe")
@example(text="\uffff")
@example(text="\x0b")
@example(text="\ud800")
@example(text=EDGES)
def test_no_search_text_makes_a_feed_or_sitemap_invalid(client, content, text):
    query = quote(text, safe="", errors="surrogatepass")
    for url in XML_URLS:
        response = client.get(f"{url}?q={query}&p=1")
        assert response.status_code in (200, 400, 404)
        assert_valid_xml(response)


def test_the_search_form_refuses_a_non_character(client, content):
    assert client.get("/statements/rss/?q=%EF%BF%BE").status_code == 400
    assert client.get("/statements/?q=%EF%BF%BE").status_code == 400


def test_stored_text_with_forbidden_characters_is_written_without_them(
    client, make_statement, make_speaker, make_topic
):
    statement = make_statement(
        title=f"A title{STORABLE}",
        lead=f"A lead{STORABLE}",
        speakers=[make_speaker(f"A speaker{STORABLE}")],
        topics=[make_topic(f"A topic{STORABLE}")],
    )

    for url in XML_URLS:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_valid_xml(response)
    page = BeautifulSoup(
        client.get(statement.get_absolute_url()).content, "html.parser"
    )
    data = page.find("script", type="application/ld+json").string
    assert not FORBIDDEN.search(data)
    assert json.loads(data)["headline"].startswith("A title")
