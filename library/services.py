"""Putting pictures and documents into the library: checked, then stored.

Renditions are made here, once, at upload: every node then serves the same
stored files (from S3 with several nodes), and no request ever waits for a
resize or races another node making the same one.
"""

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from . import documents, images
from .models import Document, Image, new_folder


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def find_image(data):
    """The library's image made from these bytes, or stored as them, if any."""
    digest = sha256(data)
    return Image.objects.filter(source_sha256=digest).first() or (
        Image.objects.filter(sha256=digest).first()
    )


def _store(name, content):
    return default_storage.save(name, ContentFile(content))


def store_image(image, data, processed=None):
    """Fill ``image`` (alt, caption and credit set) from ``data`` and save it.

    ``processed`` is ``images.process(data)`` when the caller already has it.
    Raises images.ImageRejected.
    """
    processed = processed or images.process(data)
    folder = new_folder("images")
    image.file.name = _store(
        f"{folder}/original.{processed.original.format}", processed.original.content
    )
    image.width, image.height = processed.original.width, processed.original.height
    image.renditions = [
        {
            "width": version.width,
            "height": version.height,
            "format": version.format,
            "size": len(version.content),
            "name": _store(
                f"{folder}/{version.width}.{version.format}", version.content
            ),
        }
        for version in processed.renditions
    ]
    image.source_sha256 = sha256(data)
    image.sha256 = sha256(processed.original.content)
    image.save()
    return image


def store_document(document, data):
    """Fill ``document`` (title and language set) from ``data`` and save it.

    Raises documents.DocumentRejected.
    """
    documents.check_pdf(data)
    document.kind = Document.Kind.PDF
    document.size = len(data)
    document.sha256 = sha256(data)
    document.file.name = _store(document.storage_name(), data)
    document.save()
    return document


def delete_files(names):
    """Delete stored files once the deletion of their entry is committed."""

    def delete():
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(delete)
