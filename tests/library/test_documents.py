"""Documents are checked by content and served as safe downloads."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from library.models import Document

from .conftest import pdf

pytestmark = pytest.mark.django_db


def upload(client, data, name="note.pdf", title="Note verbale No. 12"):
    return client.post(
        "/admin/library/document/add/",
        {"upload": SimpleUploadedFile(name, data), "title": title, "language": "ru"},
    )


def test_a_pdf_is_served_as_a_download_that_no_browser_sniffs(admin_client, client):
    assert upload(admin_client, pdf()).status_code == 302
    document = Document.objects.get()

    response = client.get(document.file.url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="note-verbale-no-12.pdf"'
    )
    assert b"".join(response.streaming_content) == pdf()
    assert (document.kind, document.size, document.language) == (
        "pdf",
        len(pdf()),
        "ru",
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<html><script>alert(document.cookie)</script></html>", "not a PDF"),
        (b"PK\x03\x04 a zip file named .pdf", "not a PDF"),
        (pdf()[:-8], "incomplete"),
    ],
)
def test_what_is_not_a_whole_pdf_is_refused(admin_client, data, message):
    response = upload(admin_client, data)

    assert response.status_code == 200
    assert message in str(response.context["adminform"].form.errors["upload"])
    assert not Document.objects.exists()


def test_a_title_never_becomes_a_path(admin_client):
    upload(admin_client, pdf(), title="../../../etc/passwd")

    name = Document.objects.get().file.name
    assert name.startswith("documents/") and name.endswith("/etcpasswd.pdf")
    assert ".." not in name


@pytest.mark.parametrize(
    ("size", "text"), [(300, "1 KB"), (240 * 1024, "240 KB"), (1468006, "1.4 MB")]
)
def test_the_size_reads_as_people_say_it(size, text):
    assert Document(size=size).size_text == text


@pytest.mark.parametrize(
    "path",
    [
        "/media/../embassy/settings.py",
        "/media/%2e%2e/embassy/settings.py",
        "/media/documents/",
        "/media/documents/0123/missing.pdf",
        "/media/\x00.pdf",
    ],
)
def test_the_media_address_serves_stored_files_only(client, make_document, path):
    make_document()

    response = client.get(path)

    assert response.status_code in (400, 404)
