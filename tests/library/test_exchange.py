"""Pictures and documents travel with statements in the exchange format."""

import io
import json

import pytest
from django.core.management import call_command
from PIL import Image as Picture

from library.models import Document, Image
from statements.models import Statement
from tests.statements.test_import_export import COMMENT, jsonl, run_import

from .conftest import GPS_IFD, gps_exif, jpeg, pdf

pytestmark = pytest.mark.django_db

LINE = {
    **COMMENT,
    "slug": "comment-with-pictures",
    "images": [
        {"file": "media/podium.jpg", "alt": "The podium", "credit": "Photo: MFA"},
        {"file": "media/hall.jpg", "alt": "The hall", "caption": "Journalists."},
    ],
    "documents": [
        {"file": "media/note.pdf", "title": "Note verbale", "language": "ru"},
    ],
}


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "media").mkdir()
    (tmp_path / "media/podium.jpg").write_bytes(jpeg(exif=gps_exif()))
    (tmp_path / "media/hall.jpg").write_bytes(jpeg(colour=(10, 200, 10)))
    (tmp_path / "media/note.pdf").write_bytes(pdf())
    return tmp_path


def test_import_brings_files_in_with_the_first_image_as_lead(folder):
    run_import(folder, jsonl(LINE))

    statement = Statement.objects.get(slug="comment-with-pictures")
    assert [image.alt for image in statement.gallery] == ["The podium", "The hall"]
    assert statement.lead_image.credit == "Photo: MFA"
    assert statement.gallery[1].caption == "Journalists."
    (document,) = statement.documents
    assert (document.title, document.language, document.kind) == (
        "Note verbale",
        "ru",
        "pdf",
    )
    with statement.lead_image.file.open("rb") as stored:
        assert not Picture.open(stored).getexif().get_ifd(GPS_IFD)


def test_the_same_files_twice_are_stored_once(folder):
    second = {
        **LINE,
        "slug": "another",
        "title": "Another",
        "images": LINE["images"][:1],
    }

    run_import(folder, jsonl(LINE, second))
    run_import(folder, jsonl(LINE, second))

    assert Image.objects.count() == 2
    assert Document.objects.count() == 1
    assert Statement.objects.get(slug="another").lead_image.alt == "The podium"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            {"file": "media/missing.jpg"},
            "images[1] file 'media/missing.jpg' does not exist",
        ),
        (
            {"file": "../outside.jpg"},
            "images[1] file '../outside.jpg' is outside the import's folder",
        ),
        (
            {"file": "media/note.pdf"},
            "images[1] file 'media/note.pdf': The file is not a picture",
        ),
        ({"alt": ""}, "images[1]: alt is empty"),
        ({"file": 7}, "images[1]: file must be a string"),
    ],
)
def test_a_bad_or_missing_file_is_a_line_error_with_its_number(folder, change, reason):
    bad = {**LINE, "images": [LINE["images"][0], {**LINE["images"][1], **change}]}
    good = {**COMMENT, "slug": "fine"}

    _, err = run_import(folder, jsonl(good, bad), failing=True)

    assert f"line 2: {reason}" in err
    assert list(Statement.objects.values_list("slug", flat=True)) == ["fine"]


def test_a_document_that_is_not_a_pdf_is_a_line_error(folder):
    (folder / "media/fake.pdf").write_text("<html><script>alert(1)</script></html>")
    line = {**LINE, "documents": [{"file": "media/fake.pdf", "title": "Fake"}]}

    _, err = run_import(folder, jsonl(line), failing=True)

    assert "line 1: documents[0] file 'media/fake.pdf': The file is not a PDF" in err
    assert not Statement.objects.exists()


def test_export_with_media_imports_again_elsewhere_without_loss(
    folder, tmp_path_factory
):
    run_import(folder, jsonl(LINE))
    out_dir = tmp_path_factory.mktemp("export")
    exported = io.StringIO()
    call_command(
        "export_statements", "--media", str(out_dir / "files"), stdout=exported
    )
    (out_dir / "statements.jsonl").write_text(exported.getvalue())
    line = json.loads(exported.getvalue())
    assert [image["alt"] for image in line["images"]] == ["The podium", "The hall"]
    assert all((out_dir / image["file"]).exists() for image in line["images"])

    Statement.objects.all().delete()
    Image.objects.all().delete()
    Document.objects.all().delete()
    run_import(out_dir, (out_dir / "statements.jsonl").read_bytes())

    again = io.StringIO()
    call_command("export_statements", "--media", str(out_dir / "again"), stdout=again)
    # Pictures are re-encoded when they enter a site: only their names differ.
    assert without_files(again.getvalue()) == without_files(exported.getvalue())
    statement = Statement.objects.get()
    assert [(i.width, i.height) for i in statement.gallery] == [(1800, 1200)] * 2


def without_files(line):
    data = json.loads(line)
    for item in data["images"] + data["documents"]:
        del item["file"]
    return data


def test_export_without_media_says_what_it_left_out(folder):
    run_import(folder, jsonl(LINE))
    out, err = io.StringIO(), io.StringIO()

    call_command("export_statements", stdout=out, stderr=err)

    assert "images" not in out.getvalue()
    assert "1 statements have pictures or documents, not exported" in err.getvalue()


def test_update_follows_the_lines_pictures_and_leaves_them_when_it_names_none(
    folder,
):
    run_import(folder, jsonl(LINE))
    statement = Statement.objects.get(slug="comment-with-pictures")
    without_keys = {k: v for k, v in LINE.items() if k not in ("images", "documents")}

    run_import(folder, jsonl(without_keys), "--update")
    assert [image.alt for image in statement.gallery] == ["The podium", "The hall"]

    reordered = {**LINE, "images": LINE["images"][::-1], "documents": []}
    out, _ = run_import(folder, jsonl(reordered), "--update")
    assert "1 updated" in out
    statement = Statement.objects.with_media().get(pk=statement.pk)
    assert [image.alt for image in statement.gallery] == ["The hall", "The podium"]
    assert statement.documents == []
