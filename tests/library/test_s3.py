"""Several nodes share pictures through S3: tested against a real S3 API.

Moto's server mode answers S3's HTTP API on a local port; django-storages
talks to it as to any S3-compatible service.
"""

import io
import json
import socket
import urllib.request

import boto3
import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from moto.server import ThreadedMotoServer
from PIL import Image as Picture

from library.images import MIME_TYPES
from library.models import Document, Image

from .conftest import GPS_IFD, gps_exif, jpeg, pdf

pytestmark = pytest.mark.django_db

BUCKET = "embassy-media"
CREDENTIALS = {"access_key": "node-key", "secret_key": "node-secret"}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="node-key",
        aws_secret_access_key="node-secret",
    )
    s3.create_bucket(Bucket=BUCKET)
    # Anyone may read the files (they are public), as a CDN in front would.
    s3.put_bucket_policy(
        Bucket=BUCKET,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "Resource": f"arn:aws:s3:::{BUCKET}/*",
                    }
                ],
            }
        ),
    )
    yield endpoint
    server.stop()


@pytest.fixture
def s3_storage(settings, s3_endpoint):
    """Media in the bucket, as DJANGO_MEDIA_STORAGE=s3 sets it up."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "library.storage.MediaS3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "addressing_style": "path",
                "querystring_auth": False,
                "file_overwrite": False,
                **CREDENTIALS,
            },
        },
    }
    return s3_endpoint


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.headers, response.read()


def test_a_picture_uploaded_on_node_a_shows_on_node_b(
    admin_client, s3_storage, make_statement
):
    # Node A: an editor uploads a photo and puts it on a statement.
    admin_client.post(
        "/admin/library/image/add/",
        {
            "upload": SimpleUploadedFile("photo.jpg", jpeg(exif=gps_exif())),
            "alt": "The ministers",
        },
    )
    image = Image.objects.get()
    statement = make_statement()
    statement.image_links.create(image=image)

    # Node B: another process, nothing local but the database; its page points
    # at the bucket, and the bucket answers.
    page = BeautifulSoup(
        Client().get(statement.get_absolute_url()).content, "html.parser"
    )
    img = page.select_one(".figure--lead img")
    assert img["src"].startswith(f"{s3_storage}/{BUCKET}/images/")
    headers, content = fetch(img["src"])
    assert headers["Content-Type"] == "image/jpeg"
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert not Picture.open(io.BytesIO(content)).getexif().get_ifd(GPS_IFD)
    for rendition in image.renditions:
        headers, _ = fetch(image.url_of(rendition))
        assert headers["Content-Type"] == MIME_TYPES[rendition["format"]]


def test_a_document_in_s3_is_a_download(admin_client, s3_storage):
    admin_client.post(
        "/admin/library/document/add/",
        {"upload": SimpleUploadedFile("n.pdf", pdf()), "title": "Joint statement"},
    )

    headers, content = fetch(Document.objects.get().file.url)

    assert content == pdf()
    assert headers["Content-Type"] == "application/pdf"
    assert (
        headers["Content-Disposition"] == 'attachment; filename="joint-statement.pdf"'
    )
