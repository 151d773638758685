import io

import pytest
from PIL import Image as Picture

from library import services
from library.models import Document, Image, StatementDocument, StatementImage

# GPS position of a photo taken at the embassy: it must never be published.
GPS_IFD = 0x8825
ORIENTATION = 0x0112


def jpeg(width=1800, height=1200, colour=(150, 40, 40), exif=None):
    buffer = io.BytesIO()
    Picture.new("RGB", (width, height), colour).save(
        buffer, "JPEG", **({"exif": exif.tobytes()} if exif else {})
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


@pytest.fixture
def illustrate():
    """Give a statement pictures and documents, in this order."""

    def link(statement, images=(), documents=()):
        for position, image in enumerate(images):
            StatementImage.objects.create(
                statement=statement, image=image, position=position
            )
        for position, document in enumerate(documents):
            StatementDocument.objects.create(
                statement=statement, document=document, position=position
            )
        return statement

    return link
