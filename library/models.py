"""The media library: pictures and documents, and their places in statements.

Files live in the default storage (the filesystem, or S3 with several
nodes) under generated names: a random folder per file, so no name can be
guessed or listed, and nothing a user typed ever becomes part of a path.
A draft's files are not linked from any public page, feed or sitemap until
the statement is published; whoever has the address can fetch them, as with
any unlisted file. A statement's links go with it when it is deleted; the
files stay in the library, and a file is deleted only with its library entry,
which cannot be deleted while a statement still uses it.
"""

import secrets

from django.conf import global_settings
from django.core.files.storage import default_storage
from django.db import models
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import get_language, get_language_info, gettext

from .images import MIME_TYPES, MODERN_FORMAT

LANGUAGES = sorted(global_settings.LANGUAGES, key=lambda language: language[1])


def new_folder(kind):
    return f"{kind}/{secrets.token_hex(16)}"


class Image(models.Model):
    file = models.FileField(
        "original",
        max_length=200,
        editable=False,
        help_text="The picture as uploaded, upright and without its metadata.",
    )
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    renditions = models.JSONField(
        default=list,
        editable=False,
        help_text="The smaller copies pages offer: width, height, format, name.",
    )
    source_sha256 = models.CharField(
        max_length=64,
        editable=False,
        db_index=True,
        help_text="Hash of the file as received: the same file is not stored twice.",
    )
    sha256 = models.CharField(
        max_length=64,
        editable=False,
        db_index=True,
        help_text="Hash of the stored original, the file an export writes.",
    )
    alt = models.CharField(
        "alternative text",
        max_length=300,
        help_text=(
            "What the picture shows, for people who cannot see it, in one "
            'sentence: who, doing what, where ("Sergey Lavrov and Vladimir Makei '
            'at a joint press conference in Moscow"). Do not start with "Photo '
            'of" and do not repeat the caption.'
        ),
    )
    caption = models.CharField(
        max_length=500,
        blank=True,
        help_text="Shown under the picture; leave empty for none.",
    )
    credit = models.CharField(
        max_length=200,
        blank=True,
        help_text='Who took or owns the picture, for example "Photo: MFA Russia".',
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["-created_at", "-id"])]

    def __str__(self):
        return self.alt

    def get_absolute_url(self):
        return self.file.url

    def versions(self, extension):
        return [r for r in self.renditions if r["format"] == extension]

    @staticmethod
    def url_of(rendition):
        return default_storage.url(rendition["name"])

    def srcset(self, extension):
        return ", ".join(
            f"{self.url_of(r)} {r['width']}w" for r in self.versions(extension)
        )

    @property
    def fallback_format(self):
        """JPEG for photos, PNG for pictures with transparency."""
        return next(r["format"] for r in self.renditions if r["format"] != "webp")

    def rendition(self, extension, width):
        """The narrowest rendition at least ``width`` wide, or the widest there is."""
        versions = self.versions(extension)
        return next((r for r in versions if r["width"] >= width), versions[-1])

    @property
    def modern_type(self):
        return MIME_TYPES[MODERN_FORMAT]

    @property
    def modern_srcset(self):
        return self.srcset(MODERN_FORMAT)

    @property
    def fallback_srcset(self):
        return self.srcset(self.fallback_format)

    @property
    def src(self):
        """The fallback for browsers that read no srcset."""
        return self.url_of(self.rendition(self.fallback_format, 960))

    @property
    def thumbnail_modern_src(self):
        return self.url_of(self.rendition(MODERN_FORMAT, 0))

    @property
    def thumbnail_src(self):
        return self.url_of(self.rendition(self.fallback_format, 0))

    @property
    def largest(self):
        """The widest JPEG or PNG: social cards, feeds and the sitemap use it."""
        rendition = self.versions(self.fallback_format)[-1]
        return {
            **rendition,
            "url": self.url_of(rendition),
            "mime_type": MIME_TYPES[rendition["format"]],
        }

    def file_names(self):
        return [self.file.name, *(r["name"] for r in self.renditions)]


class Document(models.Model):
    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"

    title = models.CharField(
        max_length=300,
        help_text='As the link reads, for example "Note verbale of 3 March 2022".',
    )
    language = models.CharField(
        max_length=10,
        blank=True,
        choices=LANGUAGES,
        help_text="The document's language; the link says it when it is not the "
        "page's.",
    )
    file = models.FileField(max_length=200, editable=False)
    kind = models.CharField(max_length=10, choices=Kind, editable=False)
    size = models.PositiveBigIntegerField("size in bytes", editable=False)
    sha256 = models.CharField(max_length=64, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["-created_at", "-id"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return self.file.url

    def storage_name(self):
        """A new random folder, and a file name made from the title."""
        stem = slugify(self.title)[:80] or "document"
        return f"{new_folder('documents')}/{stem}.{self.kind}"

    @property
    def size_text(self):
        """ "240 KB", "1.4 MB": the size as the link shows it."""
        kilobytes = self.size / 1024
        if kilobytes < 1000:
            return gettext("%(size)s KB") % {"size": max(1, round(kilobytes))}
        return gettext("%(size)s MB") % {
            "size": number_format(round(kilobytes / 1024, 1), 1)
        }

    @property
    def language_differs(self):
        page = (get_language() or "en").split("-")[0]
        return bool(self.language) and self.language.split("-")[0] != page

    @property
    def language_note(self):
        """ "in Russian": the document's language, in the page's."""
        name = get_language_info(self.language)["name_translated"]
        return gettext("in %(language)s") % {"language": name}


class StatementImage(models.Model):
    """A picture in a statement's gallery; the first is the lead image."""

    statement = models.ForeignKey(
        "statements.Statement", on_delete=models.CASCADE, related_name="image_links"
    )
    image = models.ForeignKey(
        Image,
        on_delete=models.PROTECT,
        related_name="statement_links",
        help_text="Choose from the library, or add a new picture with +.",
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="The order in the gallery; the first is the lead image."
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "picture"
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "image"], name="unique_statement_image"
            )
        ]
        indexes = [models.Index(fields=["statement", "position"])]

    def __str__(self):
        return f"{self.image} in {self.statement}"


class StatementDocument(models.Model):
    statement = models.ForeignKey(
        "statements.Statement",
        on_delete=models.CASCADE,
        related_name="document_links",
    )
    document = models.ForeignKey(
        Document,
        on_delete=models.PROTECT,
        related_name="statement_links",
        help_text="Choose from the library, or add a new document with +.",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "document"
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "document"], name="unique_statement_document"
            )
        ]
        indexes = [models.Index(fields=["statement", "position"])]

    def __str__(self):
        return f"{self.document} in {self.statement}"
