"""What visitors get: the lead image, the gallery, documents, feeds, sitemap."""

import json
from xml.etree import ElementTree

import feedparser
import pytest
from bs4 import BeautifulSoup
from django.core.files.storage import default_storage

from identity.models import SiteIdentity
from library.models import Image
from statements.models import Statement, StatementSpeaker, Turn

from .conftest import jpeg, link

pytestmark = pytest.mark.django_db

NAMESPACES = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "image": "http://www.google.com/schemas/sitemap-image/1.1",
}


@pytest.fixture
def illustrated(make_statement, make_image, make_document):
    """A published statement with three pictures and two documents."""
    return link(
        make_statement(title="Press conference in Moscow"),
        images=[
            make_image(
                alt="Two ministers at the podium",
                caption="At the start.",
                credit="Photo: MFA Russia",
            ),
            make_image(alt="Journalists in the hall"),
            make_image(alt="The flags"),
        ],
        documents=[
            make_document("Joint statement"),
            make_document("Note verbale", language="ru"),
        ],
    )


def soup(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_the_lead_image_is_a_responsive_picture_that_does_not_shift(
    client, illustrated
):
    page = soup(client, illustrated.get_absolute_url())

    lead = page.select_one("article .figure--lead")
    source, img = lead.select_one("source"), lead.select_one("img")
    assert source["type"] == "image/webp"
    assert len(source["srcset"].split(", ")) == 3
    assert len(img["srcset"].split(", ")) == 3 and ".jpg 1600w" in img["srcset"]
    assert img["sizes"] == source["sizes"]
    assert (img["width"], img["height"]) == ("1800", "1200")
    assert img["alt"] == "Two ministers at the podium"
    assert "loading" not in img.attrs
    assert (
        lead.figcaption.get_text(" ", strip=True) == "At the start. Photo: MFA Russia"
    )


def test_the_gallery_below_the_text_loads_lazily(client, illustrated):
    page = soup(client, illustrated.get_absolute_url())

    gallery = page.select(".gallery img")
    assert [img["alt"] for img in gallery] == ["Journalists in the hall", "The flags"]
    assert all(img["loading"] == "lazy" for img in gallery)


def test_document_links_give_type_size_and_a_foreign_language(client, illustrated):
    page = soup(client, illustrated.get_absolute_url())

    items = [li.get_text(" ", strip=True) for li in page.select(".documents li")]
    assert items == [
        "Joint statement (PDF, 1 KB)",
        "Note verbale (PDF, 1 KB, in Russian)",
    ]
    assert page.select(".documents a")[1]["hreflang"] == "ru"


def test_a_russian_page_gives_its_documents_in_russian(
    client, make_statement, make_document
):
    statement = link(
        make_statement(title="Пресс-конференция", language="ru"),
        documents=[
            make_document("Совместное заявление", language="ru"),
            make_document("Joint statement", language="en"),
        ],
    )
    page = soup(client, statement.get_absolute_url())

    assert page.select_one(".documents h2").get_text() == "Документы"
    items = [li.get_text(" ", strip=True) for li in page.select(".documents li")]
    assert items == [
        "Совместное заявление (PDF, 1 КБ)",
        "Joint statement (PDF, 1 КБ, язык: Английский)",
    ]


def test_the_lead_image_is_the_social_card_and_in_the_structured_data(
    client, illustrated
):
    page = soup(client, illustrated.get_absolute_url())
    lead = Image.objects.get(alt="Two ministers at the podium")

    meta = {
        tag.get("property") or tag.get("name"): tag["content"]
        for tag in page.select("meta[content]")
    }
    expected = f"http://testserver{lead.largest['url']}"
    assert meta["og:image"] == expected
    assert (meta["og:image:width"], meta["og:image:height"]) == ("1600", "1067")
    assert meta["twitter:card"] == "summary_large_image"
    data = json.loads(page.select_one('script[type="application/ld+json"]').string)
    assert data["image"][0] == expected and len(data["image"]) == 3


def test_a_statement_without_pictures_keeps_the_small_card(client, make_statement):
    page = soup(client, make_statement().get_absolute_url())

    assert page.select_one('meta[name="twitter:card"]')["content"] == "summary"
    assert not page.select('meta[property="og:image"]')
    assert not page.select("picture")


def test_the_list_shows_the_lead_image_small(client, illustrated, make_statement):
    make_statement(title="Without a picture")

    page = soup(client, "/statements/")

    thumbnails = page.select(".statement-item__thumbnail img")
    assert len(thumbnails) == 1
    assert thumbnails[0]["src"].endswith("/480.jpg")
    assert thumbnails[0]["alt"] == "" and thumbnails[0]["loading"] == "lazy"


def test_feeds_carry_the_lead_image(client, illustrated):
    rss = feedparser.parse(client.get("/statements/rss/").content)
    atom = feedparser.parse(client.get("/statements/atom/").content)

    lead = Image.objects.get(alt="Two ministers at the podium").largest
    for feed in (rss, atom):
        (enclosure,) = feed.entries[0].enclosures
        assert enclosure.href == f"http://testserver{lead['url']}"
        assert enclosure.type == "image/jpeg"
        assert enclosure.length == str(lead["size"])


def test_the_sitemap_lists_a_statements_pictures(client, illustrated):
    sitemap = ElementTree.fromstring(client.get("/sitemap-statements.xml").content)

    (url,) = sitemap.findall("sm:url", NAMESPACES)
    assert url.findtext("sm:loc", namespaces=NAMESPACES).endswith(
        illustrated.get_absolute_url()
    )
    locations = [loc.text for loc in url.findall("image:image/image:loc", NAMESPACES)]
    assert len(locations) == 3
    assert all(url.startswith("http://testserver/media/images/") for url in locations)


def test_a_drafts_pictures_and_documents_are_listed_nowhere_public(
    client,
    make_statement,
    make_image,
    make_document,
):
    draft = link(
        make_statement(status="draft"),
        images=[make_image(alt="Secret meeting")],
        documents=[make_document("Secret annex")],
    )
    image = draft.gallery[0]

    for url in [
        "/",
        "/statements/",
        "/statements/rss/",
        "/statements/atom/",
        "/sitemap-statements.xml",
        draft.get_absolute_url(),
    ]:
        content = client.get(url).content.decode()
        assert image.file.name.split("/")[1] not in content, url
        assert "Secret annex" not in content


def test_a_new_alt_text_shows_at_once_on_a_cached_page(client, illustrated):
    url = illustrated.get_absolute_url()
    assert "Two ministers at the podium" in client.get(url).content.decode()

    image = illustrated.lead_image
    image.alt = "Sergey Lavrov and Vladimir Makei at the podium"
    image.save()

    assert "Sergey Lavrov and Vladimir Makei" in client.get(url).content.decode()


def test_a_picture_added_to_a_published_statement_shows_at_once(
    client,
    make_statement,
    make_image,
):
    statement = make_statement()
    assert "<picture>" not in client.get(statement.get_absolute_url()).content.decode()

    link(statement, images=[make_image(alt="Added later")])

    assert "Added later" in client.get(statement.get_absolute_url()).content.decode()


def test_deleting_a_statement_keeps_a_picture_another_one_uses(
    make_statement,
    make_image,
):
    shared = make_image()
    first = link(make_statement(), images=[shared])
    link(make_statement(), images=[shared])

    first.delete()

    assert all(default_storage.exists(name) for name in shared.file_names())


def test_a_picture_in_use_cannot_be_deleted_and_an_unused_one_goes_with_its_files(
    admin_client,
    make_statement,
    make_image,
    django_capture_on_commit_callbacks,
):
    used, unused = make_image(), make_image()
    link(make_statement(), images=[used])

    page = admin_client.post(f"/admin/library/image/{used.pk}/delete/", {"post": "yes"})
    assert "would require deleting the following protected" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(f"/admin/library/image/{unused.pk}/delete/", {"post": "yes"})

    assert Image.objects.get() == used
    assert all(default_storage.exists(name) for name in used.file_names())
    assert not any(default_storage.exists(name) for name in unused.file_names())


def test_the_emblem_shows_in_every_pages_header(client, make_image, make_statement):
    emblem = make_image(jpeg(400, 400), alt="Embassy emblem")
    SiteIdentity.objects.update_or_create(pk=1, defaults={"emblem": emblem})

    for url in ["/", "/statements/", make_statement().get_absolute_url()]:
        emblem = soup(client, url).select_one("header .site-name .site-emblem img")
        assert emblem["alt"] == "Embassy emblem"
        assert (emblem["width"], emblem["height"]) == ("400", "400")


def test_a_listings_rows_carry_their_speakers_and_lead_picture(
    illustrated, make_statement, make_speaker, django_assert_num_queries
):
    makei, lavrov = make_speaker("Vladimir Makei"), make_speaker("Sergey Lavrov")
    StatementSpeaker.objects.create(statement=illustrated, speaker=makei, position=1)
    StatementSpeaker.objects.create(statement=illustrated, speaker=lavrov, position=0)
    bare = make_statement(title="No pictures, no speakers")

    with django_assert_num_queries(1):
        rows = {
            statement.pk: (statement.ordered_speakers, statement.lead_image)
            for statement in Statement.objects.for_listing()
        }
        speakers, picture = rows[illustrated.pk]
        assert [(s.name, s.get_absolute_url()) for s in speakers] == [
            ("Sergey Lavrov", "/speakers/sergey-lavrov/"),
            ("Vladimir Makei", "/speakers/vladimir-makei/"),
        ]
        assert rows[bare.pk] == ([], None)

    lead = Image.objects.get(alt="Two ministers at the podium")
    assert (picture.pk, picture.alt, picture.width, picture.height) == (
        lead.pk,
        lead.alt,
        lead.width,
        lead.height,
    )
    assert (picture.thumbnail_src, picture.largest) == (
        lead.thumbnail_src,
        lead.largest,
    )


def test_a_statement_page_reads_what_the_prefetches_would(
    illustrated, make_statement, make_speaker, make_topic, django_assert_num_queries
):
    makei, lavrov = make_speaker("Vladimir Makei"), make_speaker("Sergey Lavrov")
    StatementSpeaker.objects.create(statement=illustrated, speaker=makei, position=1)
    StatementSpeaker.objects.create(statement=illustrated, speaker=lavrov, position=0)
    illustrated.topics.set([make_topic("Belarus"), make_topic("Austria")])
    illustrated.corrections.create(note="Added the second answer.")
    Turn.objects.bulk_create(
        Turn(statement=illustrated, position=n, role=role, label=label, speaker=who)
        for n, (role, label, who) in enumerate(
            [
                (Turn.Role.QUESTION, "Question", None),
                (Turn.Role.ANSWER, "Sergey Lavrov", lavrov),
                (Turn.Role.ANSWER, "Vladimir Makei", makei),
            ],
            1,
        )
    )
    make_statement(title="Another one")

    def shown(statement):
        return {
            "speakers": statement.ordered_speakers,
            "topics": list(statement.topics.all()),
            "corrections": list(statement.corrections.all()),
            "turns": [(t, t.speaker) for t in statement.turns.all()],
            "gallery": statement.gallery,
            "lead": statement.lead_image,
            "documents": statement.documents,
        }

    expected = shown(Statement.objects.with_turns().with_media().get(pk=illustrated.pk))
    statement = Statement.objects.get(pk=illustrated.pk)
    with django_assert_num_queries(6):
        statement.read_for_page()
    with django_assert_num_queries(0):
        assert shown(statement) == expected
    assert [s.name for s in expected["speakers"]] == ["Sergey Lavrov", "Vladimir Makei"]
    assert len(expected["turns"]) == 3 and len(expected["documents"]) == 2
