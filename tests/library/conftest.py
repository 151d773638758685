import io

import pytest
from PIL import Image as Picture

from identity.models import SiteIdentity
from library import services
from library.models import (
    Document,
    Image,
    StatementDocument,
    StatementImage,
)

# GPS position of a photo taken at the embassy: it must never be published.
GPS_IFD = 0x8825
ORIENTATION = 0x0112


def photo(width, height, seed=0):
    """Pixels that compress like a photograph: smooth light, and some grain."""
    light = Picture.linear_gradient("L").resize((width, height))
    grain = Picture.effect_noise((width, height), 20 + seed)
    return Picture.merge("RGB", (light, Picture.blend(light, grain, 0.3), grain))


def jpeg(width=1800, height=1200, colour=(150, 40, 40), exif=None, seed=None):
    """JPEG bytes: one colour, or photograph-like pixels when ``seed`` is given."""
    pixels = (
        photo(width, height, seed)
        if seed is not None
        else Picture.new("RGB", (width, height), colour)
    )
    buffer = io.BytesIO()
    pixels.save(
        buffer, "JPEG", quality=90, **({"exif": exif.tobytes()} if exif else {})
    )
    return buffer.getvalue()


def gps_exif(orientation=1):
    exif = Picture.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "EmbassyCam"
    exif[GPS_IFD] = {1: "N", 2: (51.0, 29.0, 58.0), 3: "W", 4: (0.0, 11.0, 40.0)}
    return exif


def pdf(pages=1):
    body = b"%PDF-1.4\n" + b"1 0 obj << /Type /Catalog >> endobj\n" * pages
    return body + b"trailer << /Root 1 0 R >>\n%%EOF\n"


def link(statement, images=(), documents=()):
    """Give ``statement`` these pictures and documents, in this order."""
    for position, image in enumerate(images):
        StatementImage.objects.create(
            statement=statement, image=image, position=position
        )
    for position, document in enumerate(documents):
        StatementDocument.objects.create(
            statement=statement, document=document, position=position
        )
    return statement


def illustrate(statement):
    """A press conference's worth: three photos, two PDFs; and the site's emblem."""
    photos = [
        services.store_image(
            Image(alt=alt, caption=caption, credit=credit), jpeg(seed=n)
        )
        for n, (alt, caption, credit) in enumerate(
            [
                (
                    "Two ministers at the podium",
                    "The joint press conference.",
                    "Photo: MFA Russia",
                ),
                ("Journalists raising their hands", "", "Photo: MFA Russia"),
                ("The flags of both countries", "Before the talks.", ""),
            ]
        )
    ]
    documents = [
        services.store_document(Document(title=title, language=language), pdf(pages))
        for title, language, pages in [
            ("Joint statement", "en", 4000),
            ("Note verbale", "ru", 100),
        ]
    ]
    buffer = io.BytesIO()
    Picture.new("RGBA", (300, 300), (122, 31, 31, 0)).save(buffer, "PNG")
    emblem = services.store_image(Image(alt="Embassy emblem"), buffer.getvalue())
    SiteIdentity.objects.update_or_create(pk=1, defaults={"emblem": emblem})
    return link(statement, photos, documents)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def make_image(db):
    counter = iter(range(1, 1_000))

    def make(data=None, **fields):
        number = next(counter)
        data = data or jpeg(colour=(number * 7 % 256, 60, 90))
        fields = {"alt": f"Picture number {number}", "credit": "Photo: MFA", **fields}
        return services.store_image(Image(**fields), data)

    return make


@pytest.fixture
def make_document(db):
    def make(title="Note verbale", language="", data=None):
        return services.store_document(
            Document(title=title, language=language), data or pdf()
        )

    return make
