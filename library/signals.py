"""Retire cached pages when pictures, documents or their places change; delete
a library entry's files with it."""

from django.db.models.signals import post_delete

from embassy.pagecache.generation import retire_on_change

from .models import Document, Image, StatementDocument, StatementImage
from .services import delete_files


def image_deleted(sender, instance, **kwargs):
    delete_files(instance.file_names())


def document_deleted(sender, instance, **kwargs):
    delete_files([instance.file.name])


def connect():
    post_delete.connect(image_deleted, sender=Image)
    post_delete.connect(document_deleted, sender=Document)
    retire_on_change(Image, Document, StatementImage, StatementDocument)
