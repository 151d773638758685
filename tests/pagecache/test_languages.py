"""A cached page is one language's: never served for the other."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from identity.models import SiteIdentity
from statements.models import Statement

from .test_front import front, get  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2021, 12, 4, 12, 0, 5, tzinfo=datetime.UTC)
# Whatever a visitor's browser says, the address says the language.
RUSSIAN_VISITOR = {"HTTP_ACCEPT_LANGUAGE": "ru,en;q=0.5"}


def english(html):
    return '<html lang="en-GB">' in html and "Moscow: <time" in html


def russian(html):
    return '<html lang="ru">' in html and "Москва: <time" in html


@pytest.mark.parametrize("first, then", [("/", "/ru/"), ("/ru/", "/")])
def test_a_cached_page_of_one_language_is_never_served_for_the_other(
    client, demo, first, then
):
    client.cookies["django_language"] = "ru"
    with time_machine.travel(NOON, tick=False):
        client.get(first, **RUSSIAN_VISITOR)
        # Behind the cache's back (no signal): only pages drawn afresh show it.
        Statement.objects.filter(featured=True).update(title="Fresh title")
        cached = client.get(first, **RUSSIAN_VISITOR).content.decode()
        other = client.get(then, **RUSSIAN_VISITOR).content.decode()

    assert "Fresh title" not in cached
    assert "Fresh title" in other
    pages = {first: cached, then: other}
    assert english(pages["/"]) and not russian(pages["/"])
    assert russian(pages["/ru/"]) and not english(pages["/ru/"])


def test_the_header_put_into_a_cached_page_is_in_the_pages_language(client, demo):
    with time_machine.travel(NOON, tick=False):
        client.get("/ru/statements/")
        client.get("/statements/")
        with CaptureQueriesContext(connection) as queries:
            cached_russian = client.get("/ru/statements/").content.decode()
            cached_english = client.get("/statements/").content.decode()

    assert all("pagecache" in query["sql"] for query in queries.captured_queries)
    assert russian(cached_russian)
    assert '1371</strong> <a href="/ru/statements/?tag=salisbury">день прошёл' in (
        cached_russian
    )
    assert english(cached_english)
    assert '1371</strong> <a href="/statements/?tag=salisbury">days have passed' in (
        cached_english
    )


def test_the_wsgi_front_answers_each_language_its_own_page(front):  # noqa: F811
    with time_machine.travel(NOON, tick=False):
        for path in ["/ru/", "/"]:
            get(front, path, **{"Accept-Language": "ru", "Cookie": ""})
        _response, root = get(front, "/", **{"Accept-Language": "ru"})
        _response, prefixed = get(front, "/ru/", **{"Accept-Language": "en"})

    assert english(root.decode())
    assert russian(prefixed.decode())


def test_editing_the_site_identity_retires_cached_pages(client, demo):
    assert "Посольство России</title>" in client.get("/ru/").content.decode()

    identity = SiteIdentity.objects.get()
    identity.short_name_ru = "Посольство"
    identity.save()

    assert "<title>Посольство</title>" in client.get("/ru/").content.decode()
