"""Pictures and documents in the exchange format (docs/exchange-format.md).

A line names its files by paths relative to the JSON Lines file. Importing
reads them from there, checks them as an upload is checked, and stores each
content once: a file whose bytes are already in the library (by SHA-256,
as received or as stored) is the library's entry. Exporting with a media
folder writes each stored file there once, named by its hash.
"""

from dataclasses import dataclass
from pathlib import Path

from django.core.files.storage import default_storage

from . import documents, images, services
from .models import Document, Image


@dataclass
class ImageRef:
    file: str
    alt: str
    caption: str = ""
    credit: str = ""


@dataclass
class DocumentRef:
    file: str
    title: str
    language: str = ""


class MediaError(ValueError):
    """A file a line names cannot be imported; the message says which and why."""


class MediaFiles:
    """Brings the files lines name into the library, from ``folder``."""

    def __init__(self, folder):
        self.folder = Path(folder).resolve() if folder else None

    def _read(self, key, ref, max_bytes):
        if self.folder is None:
            raise MediaError(
                f"{key} names a file, but standard input has no folder to find "
                "it in: import from a file"
            )
        path = (self.folder / ref.file).resolve()
        if not path.is_relative_to(self.folder):
            raise MediaError(f"{key} file {ref.file!r} is outside the import's folder")
        try:
            if path.stat().st_size > max_bytes:
                raise MediaError(
                    f"{key} file {ref.file!r} is larger than {max_bytes // 2**20} MB"
                )
            return path.read_bytes()
        except FileNotFoundError:
            raise MediaError(f"{key} file {ref.file!r} does not exist") from None
        except OSError as error:
            raise MediaError(
                f"{key} file {ref.file!r} cannot be read: {error.strerror}"
            ) from None

    def image(self, key, ref):
        data = self._read(key, ref, images.MAX_BYTES)
        existing = services.find_image(data)
        if existing:
            return existing
        try:
            return services.store_image(
                Image(alt=ref.alt, caption=ref.caption, credit=ref.credit), data
            )
        except images.ImageRejected as error:
            raise MediaError(f"{key} file {ref.file!r}: {error}") from None

    def document(self, key, ref):
        data = self._read(key, ref, documents.MAX_BYTES)
        existing = Document.objects.filter(sha256=services.sha256(data)).first()
        if existing:
            return existing
        try:
            return services.store_document(
                Document(title=ref.title, language=ref.language), data
            )
        except documents.DocumentRejected as error:
            raise MediaError(f"{key} file {ref.file!r}: {error}") from None


class MediaWriter:
    """Writes stored files into ``folder``; lines name them from its parent."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    def _write(self, name, sha256):
        target = f"{sha256}.{name.rsplit('.', 1)[-1]}"
        path = self.folder / target
        if not path.exists():
            with default_storage.open(name, "rb") as stored:
                path.write_bytes(stored.read())
        return f"{self.folder.name}/{target}"

    def image(self, image):
        data = {"file": self._write(image.file.name, image.sha256), "alt": image.alt}
        data.update(
            (key, value)
            for key, value in (("caption", image.caption), ("credit", image.credit))
            if value
        )
        return data

    def document(self, document):
        data = {
            "file": self._write(document.file.name, document.sha256),
            "title": document.title,
        }
        if document.language:
            data["language"] = document.language
        return data
