"""Pictures enter the library checked, upright and stripped of their metadata."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as Picture
from PIL import PngImagePlugin

from library import images
from library.models import Image
from tests.statements.test_admin import press_officer  # noqa: F401 (a fixture)

from .conftest import GPS_IFD, gps_exif, jpeg

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/library/image/add/"


def upload(client, data, name="photo.jpg", **fields):
    return client.post(
        ADD_URL,
        {
            "upload": SimpleUploadedFile(name, data),
            "alt": "Two ministers shake hands",
            "caption": "The press conference",
            "credit": "Photo: MFA Russia",
            **fields,
        },
    )


def served_versions(client, image):
    """Every stored version, fetched as a visitor's browser fetches it."""
    urls = [image.file.url, *(image.url_of(r) for r in image.renditions)]
    responses = [client.get(url) for url in urls]
    assert [response.status_code for response in responses] == [200] * len(urls)
    return [b"".join(response.streaming_content) for response in responses]


def test_no_served_version_of_a_photo_carries_its_gps_position(admin_client, client):
    original = jpeg(exif=gps_exif())
    assert Picture.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)

    assert upload(admin_client, original).status_code == 302

    image = Image.objects.get()
    versions = served_versions(client, image)
    assert len(versions) == 1 + len(image.renditions)
    for content in versions:
        picture = Picture.open(io.BytesIO(content))
        assert not picture.getexif()
        assert not picture.getexif().get_ifd(GPS_IFD)
        assert b"EmbassyCam" not in content
        assert b"Exif" not in content


def test_the_orientation_is_applied_before_the_metadata_goes(admin_client):
    # Orientation 6: the camera was held upright; the pixels lie on their side.
    upload(admin_client, jpeg(1800, 1200, exif=gps_exif(orientation=6)))

    image = Image.objects.get()
    assert (image.width, image.height) == (1200, 1800)
    assert all(r["height"] > r["width"] for r in image.renditions)


def test_renditions_come_in_three_widths_in_webp_and_jpeg(admin_client, client):
    upload(admin_client, jpeg(2400, 1600))

    image = Image.objects.get()
    assert [(r["width"], r["format"]) for r in image.renditions] == [
        (480, "webp"),
        (480, "jpg"),
        (960, "webp"),
        (960, "jpg"),
        (1600, "webp"),
        (1600, "jpg"),
    ]
    webp = client.get(image.url_of(image.renditions[0]))
    assert webp["Content-Type"] == "image/webp"
    assert Picture.open(io.BytesIO(b"".join(webp.streaming_content))).size == (
        480,
        320,
    )


def test_stored_names_are_random_and_ignore_the_uploaded_name(admin_client):
    upload(admin_client, jpeg(), name="../../etc/passwd secret-plan.jpg")
    upload(
        admin_client, jpeg(colour=(1, 2, 3)), name="../../etc/passwd secret-plan.jpg"
    )

    first, second = Image.objects.order_by("id")
    for image in (first, second):
        assert "passwd" not in image.file.name and "secret" not in image.file.name
        folder = image.file.name.split("/")[1]
        assert len(folder) == 32
    assert first.file.name != second.file.name


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "emblem.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "not a picture",
        ),
        ("photo.jpg", b"<html><script>alert(1)</script></html>", "not a picture"),
        ("photo.jpg", jpeg()[:2000], "damaged or incomplete"),
        ("photo.gif", None, "GIF pictures are not accepted"),
    ],
)
def test_what_is_not_a_photo_is_refused_with_a_reason(
    admin_client, name, data, message
):
    if data is None:
        buffer = io.BytesIO()
        Picture.new("RGB", (10, 10)).save(buffer, "GIF")
        data = buffer.getvalue()

    response = upload(admin_client, data, name=name)

    assert response.status_code == 200
    assert message in response.context["adminform"].form.errors["upload"][0]
    assert not Image.objects.exists()


@pytest.mark.parametrize("size", [(images.MAX_SIDE + 1, 10), (8000, 5001)])
def test_a_decompression_bomb_is_refused_before_it_is_decoded(admin_client, size):
    buffer = io.BytesIO()
    # One bit a pixel: a few kilobytes that would decode to hundreds of MB.
    Picture.new("1", size).save(buffer, "PNG")
    assert len(buffer.getvalue()) < images.MAX_BYTES

    response = upload(admin_client, buffer.getvalue(), name="bomb.png")

    assert "The limit is 10000 pixels a side and 40 million" in str(
        response.context["adminform"].form.errors["upload"]
    )
    assert not Image.objects.exists()


def test_a_file_over_the_size_limit_is_refused(admin_client, settings):
    response = upload(admin_client, b"\xff\xd8" + b"0" * images.MAX_BYTES)

    assert "larger than 20 MB" in str(response.context["adminform"].form.errors)
    assert not Image.objects.exists()


def test_alt_text_is_required(admin_client):
    response = upload(admin_client, jpeg(), alt="")

    assert "alt" in response.context["adminform"].form.errors
    assert not Image.objects.exists()


def test_the_same_photo_uploaded_again_is_pointed_to_in_the_library(admin_client):
    upload(admin_client, jpeg())

    response = upload(admin_client, jpeg())

    assert "already in the library" in str(response.context["adminform"].form.errors)
    assert Image.objects.count() == 1


def test_a_transparent_png_keeps_its_transparency_in_its_fallback(make_image):
    buffer = io.BytesIO()
    Picture.new("RGBA", (600, 300), (0, 0, 0, 0)).save(buffer, "PNG")

    image = make_image(buffer.getvalue())

    assert image.fallback_format == "png"
    assert {r["format"] for r in image.renditions} == {"webp", "png"}


def test_the_library_lists_and_searches_pictures(admin_client, make_image):
    make_image(alt="Lavrov at the podium")
    make_image(alt="The embassy building")

    page = admin_client.get("/admin/library/image/?q=podium").content.decode()

    assert "Lavrov at the podium" in page
    assert "The embassy building" not in page


def test_a_press_officer_adds_a_picture_and_finds_it_from_a_statement(
    press_officer,  # noqa: F811
):
    assert upload(press_officer, jpeg()).status_code == 302
    image = Image.objects.get()

    # The statement form's picture field looks the library up as the editor types.
    found = press_officer.get(
        "/admin/autocomplete/",
        {
            "term": "ministers",
            "app_label": "library",
            "model_name": "statementimage",
            "field_name": "image",
        },
    ).json()
    assert [item["id"] for item in found["results"]] == [str(image.pk)]
    assert press_officer.get("/admin/library/document/add/").status_code == 200


def test_the_emblem_is_chosen_from_the_library_in_the_site_identity(
    admin_client, make_image
):
    emblem = make_image(alt="The embassy's emblem")
    make_image(alt="Lavrov at the podium")

    form = admin_client.get("/admin/identity/siteidentity/1/change/").content.decode()
    found = admin_client.get(
        "/admin/autocomplete/",
        {
            "term": "emblem",
            "app_label": "identity",
            "model_name": "siteidentity",
            "field_name": "emblem",
        },
    ).json()

    assert 'name="emblem"' in form
    assert [item["id"] for item in found["results"]] == [str(emblem.pk)]


@pytest.mark.parametrize("kind", ["PNG", "WEBP"])
def test_png_and_webp_metadata_is_stripped_too(make_image, kind):
    buffer = io.BytesIO()
    options = {"exif": gps_exif().tobytes()}
    if kind == "PNG":
        text = PngImagePlugin.PngInfo()
        text.add_text("Comment", "taken at the residence, EmbassyCam")
        options["pnginfo"] = text
    else:
        options["xmp"] = b"<x:xmpmeta>EmbassyCam</x:xmpmeta>"
    Picture.new("RGB", (900, 600), (20, 90, 160)).save(buffer, kind, **options)
    assert b"EmbassyCam" in buffer.getvalue()

    image = make_image(buffer.getvalue())

    for name in image.file_names():
        with image.file.storage.open(name, "rb") as stored:
            content = stored.read()
        assert b"EmbassyCam" not in content and b"Exif" not in content, name
        assert not Picture.open(io.BytesIO(content)).getexif()
