"""English at the root, Russian under /ru/: addresses, versions, lists, feeds."""

import datetime
import io
import json
import xml.etree.ElementTree as ET
import zoneinfo

import feedparser
import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.db import IntegrityError

from statements.models import Statement, Topic

pytestmark = pytest.mark.django_db

UTC = zoneinfo.ZoneInfo("UTC")
SEED = datetime.datetime(2021, 12, 4, 22, 52, tzinfo=UTC)


@pytest.fixture
def versions(make_statement, make_speaker):
    """One statement in English and Russian, and one in English only."""
    lavrov = make_speaker(name_en="Sergey Lavrov", name_ru="Сергей Лавров")
    english = make_statement(
        title="Remarks on Belarus",
        slug="remarks-on-belarus",
        translation_key="belarus-remarks",
        published_at=datetime.datetime(2021, 11, 10, 12, tzinfo=UTC),
        speakers=[lavrov],
    )
    russian = make_statement(
        title="Выступление по Белоруссии",
        slug="vystupleniye-po-belorussii",
        language="ru",
        translation_key="belarus-remarks",
        published_at=datetime.datetime(2021, 11, 10, 15, tzinfo=UTC),
        speakers=[lavrov],
    )
    alone = make_statement(title="English only", slug="english-only")
    return english, russian, alone, lavrov


def page(client, url, status=200, **headers):
    response = client.get(url, **headers)
    assert response.status_code == status, url
    return BeautifulSoup(response.content, "html.parser")


def test_russian_lives_under_ru_and_english_keeps_its_addresses(client, versions):
    english, russian, *_ = versions

    assert russian.get_absolute_url() == "/ru/statements/vystupleniye-po-belorussii/"
    assert english.get_absolute_url() == "/statements/remarks-on-belarus/"
    for url in [
        "/ru/",
        "/ru/statements/",
        russian.get_absolute_url(),
        "/ru/speakers/sergey-lavrov/",
        "/ru/speakers/",
        "/ru/topics/",
        "/ru/about/",
        "/ru/statements/rss/",
        "/ru/statements/atom/",
    ]:
        assert client.get(url).status_code == 200, url
    for url in ["/", "/statements/", english.get_absolute_url(), "/speakers/"]:
        assert client.get(url).status_code == 200, url


def test_every_page_says_its_language(client, versions):
    english, russian, *_ = versions

    assert page(client, english.get_absolute_url()).html["lang"] == "en-GB"
    assert page(client, russian.get_absolute_url()).html["lang"] == "ru"
    assert page(client, "/ru/statements/").html["lang"] == "ru"
    assert page(client, "/ru/no-such-page/", status=404).html["lang"] == "ru"
    about = page(client, "/ru/about/")
    assert hreflang(about) == {
        "en-GB": "http://testserver/about/",
        "ru": "http://testserver/ru/about/",
    }


def test_a_statement_at_the_other_languages_address_leads_to_its_own(client, versions):
    english, *_ = versions

    response = client.get(f"/ru/statements/{english.slug}/")

    assert response.status_code == 302
    assert response["Location"] == english.get_absolute_url()


def hreflang(soup):
    return {
        link["hreflang"]: link["href"]
        for link in soup.find_all("link", rel="alternate", hreflang=True)
    }


def switch(soup):
    return {a["hreflang"]: a["href"] for a in soup.select(".language-switch a")}


def test_versions_link_to_each_other_in_the_head_the_switch_and_the_page(
    client, versions
):
    english, russian, *_ = versions

    soup = page(client, english.get_absolute_url())

    assert hreflang(soup) == {
        "en-GB": f"http://testserver{english.get_absolute_url()}",
        "ru": f"http://testserver{russian.get_absolute_url()}",
    }
    assert switch(soup) == {"ru": russian.get_absolute_url()}
    also = soup.select_one('.statement__meta a[hreflang="ru"]')
    assert also["href"] == russian.get_absolute_url()
    assert switch(page(client, russian.get_absolute_url())) == {
        "en-GB": english.get_absolute_url()
    }


def test_a_statement_without_a_version_points_to_the_other_languages_list_and_home(
    client, versions
):
    _english, _russian, alone, _lavrov = versions

    soup = page(client, alone.get_absolute_url())

    assert hreflang(soup)["ru"] == "http://testserver/ru/statements/"
    assert switch(soup) == {"ru": "/ru/"}
    assert soup.select_one('.statement__meta a[hreflang="ru"]') is None


def test_the_switch_keeps_the_page_and_its_filters(client, versions):
    soup = page(client, "/statements/?speaker=sergey-lavrov")

    assert switch(soup) == {"ru": "/ru/statements/?speaker=sergey-lavrov"}
    assert switch(page(client, "/ru/speakers/")) == {"en-GB": "/speakers/"}


def titles(soup):
    return [a.get_text() for a in soup.select(".statement-item__title a")]


def test_each_languages_lists_and_home_hold_its_own_statements(client, versions):
    english, russian, alone, _lavrov = versions

    assert titles(page(client, "/statements/")) == [alone.title, english.title]
    assert titles(page(client, "/ru/statements/")) == [russian.title]
    assert titles(page(client, "/ru/")) == [russian.title]
    assert titles(page(client, "/ru/speakers/sergey-lavrov/")) == [russian.title]
    assert titles(page(client, "/speakers/sergey-lavrov/")) == [english.title]


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_feeds_in_both_languages_parse_and_hold_their_own_statements(
    client, versions, kind
):
    english, russian, alone, _lavrov = versions

    feeds = {}
    for prefix in ["", "/ru"]:
        response = client.get(f"{prefix}/statements/{kind}/")
        assert response.status_code == 200
        feed = feedparser.parse(response.content)
        assert not feed.bozo, feed.get("bozo_exception")
        feeds[prefix] = feed

    assert [e.title for e in feeds[""].entries] == [alone.title, english.title]
    assert [e.title for e in feeds["/ru"].entries] == [russian.title]
    assert feeds["/ru"].entries[0].link == (
        f"http://testserver{russian.get_absolute_url()}"
    )
    assert feeds["/ru"].feed.title == "Заявления - Посольство России"
    assert feeds["/ru"].feed.language == "ru"
    assert feeds[""].feed.language == "en-GB"


def test_a_russian_draft_never_shows_in_either_language(
    client, make_statement, versions
):
    english, *_ = versions
    draft = make_statement(
        title="Черновик заявления",
        slug="chernovik",
        language="ru",
        status=Statement.Status.DRAFT,
        translation_key="draft-only",
    )
    make_statement(
        title="Scheduled English",
        slug="scheduled",
        translation_key="draft-only",
        published_at=SEED.replace(year=2031),
    )

    for url in [
        "/ru/",
        "/ru/statements/",
        "/ru/statements/rss/",
        "/ru/statements/atom/",
        "/ru/speakers/",
        "/ru/topics/",
        "/sitemap-statements.xml",
    ]:
        body = client.get(url).content.decode()
        assert "chernovik" not in body and "Черновик заявления" not in body, url
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get("/statements/scheduled/").status_code == 404
    # A version still to come is not linked from the page it translates.
    assert "chernovik" not in client.get(english.get_absolute_url()).content.decode()


def test_the_same_language_cannot_hold_two_versions(make_statement):
    make_statement(translation_key="one", language="ru")

    with pytest.raises(IntegrityError):
        make_statement(translation_key="one", language="ru")


def test_russian_dates_use_the_genitive_month_and_dots_in_lists(client, versions):
    russian = versions[1]

    statement_page = page(client, russian.get_absolute_url()).get_text()
    list_page = page(client, "/ru/statements/").get_text()

    assert "10 ноября 2021, 15:00" in statement_page
    assert "г." not in statement_page
    assert "10.11.2021" in list_page


def test_the_interface_is_translated(client, versions):
    soup = page(client, "/ru/statements/?kind=transcript&date_from=2021-11-01")

    text = " ".join(soup.get_text().split())
    assert [a.get_text() for a in soup.select(".nav-links a")] == [
        "Заявления",
        "Выступающие",
        "Темы",
        "О посольстве / Контакты",
    ]
    assert "Отбор материалов" in text
    assert "Любой выступающий" in text
    assert "0 материалов; отбор — тип: Стенограмма, с: 1 ноября 2021" in text
    assert soup.title.string == (
        "Заявления, стенограммы, с 1 ноября 2021 - Посольство России"
    )
    errors = page(client, "/ru/statements/?date_from=1&date_to=x", status=400)
    assert "Исправьте условия отбора выше." in errors.get_text()
    missing = page(client, "/ru/nothing-here/", status=404)
    assert missing.h1.get_text() == "Страница не найдена"


def test_russian_result_counts_agree_with_the_number(client, make_statement):
    for number in range(21):
        make_statement(language="ru", title=f"Заявление {number}")

    soup = page(client, "/ru/statements/")

    assert soup.select_one(".result-count").get_text().split(";")[0].strip() == (
        "21 материал"
    )


def test_the_header_at_the_seeds_instant_in_russian(client):
    call_command("load_demo", stdout=io.StringIO())

    with time_machine.travel(SEED, tick=False):
        html = client.get("/ru/").content.decode()

    text = " ".join(BeautifulSoup(html, "html.parser").get_text().split())
    assert "4 декабря 2021" in text
    assert "Москва: 01:52" in text
    assert "Лондон: 22:52" in text
    assert "1371 день прошёл с момента инцидента в Солсбери" in text
    assert "1363 дня прошло со дня гибели Николая Глушкова" in text
    assert '<a href="/ru/statements/?tag=salisbury">' in html
    assert "Консульские вопросы: +44 (0) 203 668 7474" in text


def test_the_demo_holds_the_russian_version_of_the_featured_transcript(client):
    call_command("load_demo", stdout=io.StringIO())

    english = Statement.objects.get(featured=True, language="en")
    russian = Statement.objects.get(featured=True, language="ru")

    assert russian.translation_key == english.translation_key
    assert russian.turns.count() == english.turns.count() == 10
    answers = russian.turns.filter(role="answer")
    assert {turn.speaker.name_ru for turn in answers} == {"Сергей Лавров"}
    home = page(client, "/ru/")
    assert home.select_one(".featured h2 a")["href"] == russian.get_absolute_url()
    assert russian.slug.isascii()


def test_sitemap_links_each_page_to_its_other_languages(client, versions):
    english, russian, alone, _lavrov = versions
    namespaces = {
        "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
        "xhtml": "http://www.w3.org/1999/xhtml",
    }

    def alternates(section):
        root = ET.fromstring(client.get(section).content)
        return {
            url.find("sm:loc", namespaces).text.removeprefix("http://testserver"): {
                link.get("hreflang"): link.get("href").removeprefix("http://testserver")
                for link in url.iterfind("xhtml:link", namespaces)
            }
            for url in root.iterfind("sm:url", namespaces)
        }

    statements = alternates("/sitemap-statements.xml")
    pair = {"en-GB": english.get_absolute_url(), "ru": russian.get_absolute_url()}
    assert statements[english.get_absolute_url()] == pair
    assert statements[russian.get_absolute_url()] == pair
    assert statements[alone.get_absolute_url()] == {"en-GB": alone.get_absolute_url()}
    pages = alternates("/sitemap-pages.xml")
    assert pages["/ru/statements/"] == {
        "en-GB": "/statements/",
        "ru": "/ru/statements/",
    }
    speakers = alternates("/sitemap-speakers.xml")
    assert set(speakers) == {"/speakers/sergey-lavrov/", "/ru/speakers/sergey-lavrov/"}


def test_sitemap_pages_link_versions_found_on_other_pages(
    client, versions, monkeypatch
):
    """Each page of statements reads its own statements' versions only."""
    from statements.sitemaps import StatementSitemap

    english, russian, alone, _lavrov = versions
    monkeypatch.setattr(StatementSitemap, "limit", 1)

    index = client.get("/sitemap.xml").content.decode()
    last = client.get("/sitemap-statements.xml?p=2").content.decode()

    assert "sitemap-statements.xml?p=3" in index
    assert f"<loc>http://testserver{russian.get_absolute_url()}</loc>" in last
    assert (
        f'hreflang="en-GB" href="http://testserver{english.get_absolute_url()}"' in last
    )
    assert alone.get_absolute_url() not in last


def test_topics_index_lists_topics_of_the_pages_language(
    client, make_statement, make_topic
):
    belarus = Topic.objects.create(name_en="Belarus", name_ru="Белоруссия")
    salisbury = make_topic("Salisbury")
    make_statement(topics=[belarus, salisbury])
    make_statement(topics=[belarus], language="ru")

    english = page(client, "/topics/").select(".topic-list li")
    russian = page(client, "/ru/topics/").select(".topic-list li")

    assert [li.get_text(" ", strip=True) for li in english] == [
        "Belarus : 1 statement",
        "Salisbury : 1 statement",
    ]
    assert [li.get_text(" ", strip=True) for li in russian] == [
        "Белоруссия : 1 материал"
    ]
    assert russian[0].a["href"] == "/ru/statements/?tag=belarus"


def test_a_statement_page_orders_its_topics_by_their_names_in_its_language(
    client, make_statement
):
    """Whichever language's page came first in this process."""
    nuclear = Topic.objects.create(name_en="Arms control", name_ru="Ядерное оружие")
    arctic = Topic.objects.create(name_en="The Arctic", name_ru="Арктика")
    english = make_statement(topics=[nuclear, arctic], translation_key="both")
    russian = make_statement(
        topics=[nuclear, arctic], language="ru", translation_key="both", slug="ru"
    )

    def topics(statement):
        return [
            a.get_text()
            for a in page(client, statement.get_absolute_url()).select(
                '.statement__meta a[href*="?tag="]'
            )
        ]

    for _ in range(2):
        assert topics(english) == ["Arms control", "The Arctic"]
        assert topics(russian) == ["Арктика", "Ядерное оружие"]


def test_statement_structured_data_names_its_language(client, versions):
    russian = versions[1]

    soup = page(client, russian.get_absolute_url())
    data = json.loads(soup.find("script", type="application/ld+json").string)

    assert data["inLanguage"] == "ru"
    assert data["publisher"]["name"] == "Посольство России в Великобритании"
    assert soup.find("meta", property="og:locale")["content"] == "ru"


def test_translated_models_querysets_reuse_one_class(make_topic, make_statement):
    """modeltranslation would make a class per call; each lived until the
    garbage collector's slowest pass (statements/translation.py)."""
    from counters.models import TrackedIncident
    from statements.models import Speaker

    statement = make_statement(topics=[make_topic()])

    for queryset in [
        lambda: Speaker.objects.all(),
        lambda: Topic.objects.with_public_statements(),
        lambda: statement.topics.all(),
        lambda: TrackedIncident.objects.active(),
    ]:
        assert type(queryset()) is type(queryset())
