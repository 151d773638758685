import os
import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname
from simple_history.models import HistoricalRecords

from . import transcripts
from .querysets import (
    PAGE_RELATIONS,
    PAGE_SPEAKERS,
    SpeakerQuerySet,
    StatementQuerySet,
    TopicQuerySet,
    lead_image_of_listing,
    speakers_of_listing,
)
from .slugs import name_slug, statement_slug, unique_slug
from .transcripts import lead_paragraph, speaker_key, split_paragraphs


class Named(models.Model):
    """Something with a name, and a slug made from it when left empty."""

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            max_length = self._meta.get_field("slug").max_length
            # From the first language's name, whatever the active language.
            name = next(iter(self.names), "")
            self.slug = unique_slug(type(self), name_slug(name, max_length))
        super().save(*args, **kwargs)

    @property
    def names(self):
        """The name in every language it is written in."""
        written = (
            getattr(self, build_localized_fieldname("name", code), None)
            for code, _name in settings.LANGUAGES
        )
        return list(dict.fromkeys(name for name in written if name))


class Speaker(Named):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        blank=True,
        help_text="The speaker's address on the site. Leave empty to make it "
        "from the name.",
    )
    position = models.CharField(
        max_length=300,
        blank=True,
        help_text='For example "Foreign Minister of Russia".',
    )
    biography = models.TextField(blank=True)
    aliases = models.TextField(
        blank=True,
        help_text=(
            "Other ways transcripts write this name, one per line "
            '(for example "MR LAVROV"). Pasted transcripts are matched to this '
            "speaker by name or alias, ignoring case and titles."
        ),
    )

    objects = SpeakerQuerySet.as_manager()

    def get_absolute_url(self):
        return reverse("statements:speaker", kwargs={"slug": self.slug})

    @property
    def name_keys(self):
        names = [*self.names, *self.aliases.splitlines()]
        return {speaker_key(name) for name in names if name.strip()}


class Topic(Named):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(
        max_length=100,
        unique=True,
        blank=True,
        help_text="The topic's address on the site. Leave empty to make it "
        "from the name.",
    )

    objects = TopicQuerySet.as_manager()

    def get_absolute_url(self):
        return reverse("statements:list") + f"?tag={self.slug}"


class TextSnapshot(models.Model):
    """Extra fields of each historical statement: what the row alone does not say."""

    text_snapshot = models.TextField(
        "full text",
        blank=True,
        help_text="The body and the questions and answers as they were then.",
    )
    change_note = models.CharField(
        "public change note",
        max_length=300,
        blank=True,
        help_text="The note this save added to the public change log, if any.",
    )

    class Meta:
        abstract = True


def new_translation_key():
    return new_translation_keys(1)[0]


def new_translation_keys(count):
    """``count`` random keys (UUID4s), from one read of the system's randomness.

    One read per key (``uuid4``) cost an import's writer thread 4% of its
    time: each read lets go of Python's lock, and getting it back waits for
    the thread parsing the next batch.
    """
    randomness = os.urandom(16 * count)
    return [
        uuid.UUID(bytes=randomness[start : start + 16], version=4).hex
        for start in range(0, 16 * count, 16)
    ]


class Statement(models.Model):
    class Kind(models.TextChoices):
        STATEMENT = "statement", _("Statement")
        COMMENT = "comment", _("Comment")
        TRANSCRIPT = "transcript", _("Transcript")
        BRIEFING = "briefing", _("Briefing")
        PRESS_RELEASE = "press-release", _("Press release")
        ARTICLE = "article", _("Article")
        INTERVIEW = "interview", _("Interview")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    # The kinds as a list's title names them: "Statements by ..., transcripts".
    KIND_PLURALS = {
        Kind.STATEMENT: _("statements"),
        Kind.COMMENT: _("comments"),
        Kind.TRANSCRIPT: _("transcripts"),
        Kind.BRIEFING: _("briefings"),
        Kind.PRESS_RELEASE: _("press releases"),
        Kind.ARTICLE: _("articles"),
        Kind.INTERVIEW: _("interviews"),
    }

    language = models.CharField(
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=(
            "The language it is written in: it is listed, searched and fed "
            "with that language's statements only."
        ),
    )
    translation_key = models.CharField(
        max_length=100,
        default=new_translation_key,
        help_text=(
            "Shared by the versions of one statement in different languages; "
            "each page links to its other versions."
        ),
    )

    title = models.CharField(max_length=500)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        blank=True,
        help_text=(
            "The statement's address on the site. Leave empty to make it from "
            "the publication date and the title."
        ),
    )
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.STATEMENT)
    status = models.CharField(
        max_length=10,
        choices=Status,
        default=Status.DRAFT,
        help_text=(
            "A statement is public only when it is published and its publication "
            "time has passed."
        ),
    )
    published_at = models.DateTimeField(
        "publication time",
        default=timezone.now,
        help_text="A future time schedules the statement: it appears by itself then.",
    )
    delivered_on = models.DateField(
        "delivered on",
        null=True,
        blank=True,
        help_text=(
            "The day it was said or written, when that differs from the "
            "publication day (a press conference published later)."
        ),
    )
    location = models.CharField(max_length=200, blank=True)
    speakers = models.ManyToManyField(
        Speaker, through="StatementSpeaker", related_name="statements", blank=True
    )
    topics = models.ManyToManyField(Topic, related_name="statements", blank=True)
    lead = models.TextField(
        blank=True,
        help_text="Shown in lists. Leave empty to use the body's first paragraph.",
    )
    summary = models.TextField(editable=False, default="")
    body = models.TextField(
        help_text=(
            "Paragraphs separated by blank lines. For a transcript: the opening "
            "remarks; the questions and answers are the turns below."
        )
    )
    search_vector = SearchVectorField(null=True, editable=False)
    featured = models.BooleanField(
        default=False,
        help_text="The newest featured statement is shown in full on the home page.",
    )
    pending_transcript = models.TextField(
        "transcript awaiting confirmation",
        blank=True,
        editable=False,
        help_text=(
            "Pasted text being split into questions and answers; not public "
            "until the turns are confirmed."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StatementQuerySet.as_manager()
    history = HistoricalRecords(
        bases=[TextSnapshot],
        excluded_fields=["summary", "search_vector", "pending_transcript"],
    )

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            # Each language's lists read these columns alone (index-only
            # scans): all, by kind, and by key when joined from a speaker or
            # topic (a covering index, PostgreSQL's only: migrations 0007, 0010).
            models.Index(
                fields=["language", "status", "-published_at", "-id"],
                name="statement_public_idx",
            ),
            models.Index(
                fields=["language", "kind", "status", "-published_at", "-id"],
                name="statement_kind_idx",
            ),
            models.Index(
                fields=["featured", "status", "-published_at"],
                name="statement_featured_idx",
            ),
            # The next scheduled publication (``next_publication``), looked
            # for by every save and by each batch of an import: without it,
            # a read of the whole table each time.
            models.Index(
                fields=["published_at"],
                condition=models.Q(status="published"),
                name="statement_schedule_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["translation_key", "language"],
                name="one_version_per_language",
            )
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            base = statement_slug(self.published_at, self.title)
            self.slug = unique_slug(Statement, base)
        self.refresh_summary()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"lead", "body"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "summary"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """In the statement's own language, whatever the page's."""
        if self.language == translation.get_language():
            return reverse("statements:detail", kwargs={"slug": self.slug})
        with translation.override(self.language):
            return reverse("statements:detail", kwargs={"slug": self.slug})

    def refresh_summary(self):
        self.summary = self.lead.strip() or lead_paragraph(self.body)

    @property
    def identity(self):
        """Which statement an imported line without a slug is: title and time."""
        return (self.title, self.published_at)

    @property
    def kind_label(self):
        """``get_kind_display()`` without translating every kind's label to
        look one up (it did so for each statement of a list)."""
        return str(self.Kind(self.kind).label)

    @property
    def is_public(self):
        return self.status == self.Status.PUBLISHED and self.published_at <= (
            timezone.now()
        )

    @property
    def status_text(self):
        """Where the statement stands: draft, scheduled (for when) or published."""
        if self.status == self.Status.DRAFT:
            return _("Draft — not published")
        when = formats.date_format(
            timezone.localtime(self.published_at), "DATETIME_FORMAT"
        )
        if self.is_public:
            return _("Published %(when)s") % {"when": when}
        return _("Scheduled for %(when)s") % {"when": when}

    @property
    def paragraphs(self):
        return split_paragraphs(self.body)

    def full_text(self):
        """The body as pasted: opening remarks, then the turns written as text."""
        turns = [
            transcripts.Turn(
                role=turn.role,
                label=turn.label,
                speaker=turn.speaker.name if turn.speaker else None,
                note=turn.note or None,
                paragraphs=turn.paragraphs,
            )
            for turn in self.turns.all()
        ]
        return transcripts.render(
            transcripts.Transcript(opening=self.paragraphs, turns=turns, ambiguous=[])
        )

    @property
    def matching_turn_url(self):
        """Where a speaker said the words searched for (set by a speaker search)."""
        position = getattr(self, "matching_turn", None)
        if position is None:
            return None
        return f"{self.get_absolute_url()}#{Turn.anchor_for(position)}"

    def number_turns(self):
        """Number the turns 1, 2, 3... in their order, so each anchor is unique."""
        for position, turn in enumerate(self.turns.order_by("position", "id"), 1):
            if turn.position != position:
                Turn.objects.filter(pk=turn.pk).update(position=position)

    def read_for_page(self):
        """Read all the statement's page shows besides its row: speakers,
        topics, corrections, turns, pictures and documents.

        As ``with_turns().with_media()`` would prefetch them, but each by a
        query compiled once: the six prefetches, built and compiled by Django
        for every page, were the largest part of a statement page's CPU.
        """
        self.speakers_in_order = PAGE_SPEAKERS(statement=self.pk)
        self._prefetched_objects_cache = {
            relation: prefetched(
                self._meta.get_field(relation).related_model,
                rows(statement=self.pk),
            )
            for relation, rows in PAGE_RELATIONS.items()
        }
        return self

    @property
    def gallery(self):
        """The statement's pictures in order (prefetched by ``with_media()``)."""
        return [link.image for link in self.image_links.all()]

    @property
    def lead_image(self):
        """The gallery's first picture, or None (read by ``for_listing()``)."""
        if "listed_lead_image" in self.__dict__:
            return lead_image_of_listing(self._state.db, self.listed_lead_image)
        links = self.image_links.all()[:1]
        return links[0].image if links else None

    @property
    def documents(self):
        return [link.document for link in self.document_links.all()]

    @property
    def ordered_speakers(self):
        """Speakers in the editor's order: prefetched by ``with_speakers()``, read
        by ``for_listing()``, or from the links (prefetched or not)."""
        prefetched = getattr(self, "speakers_in_order", None)
        if prefetched is None and "listed_speakers" in self.__dict__:
            prefetched = self.speakers_in_order = speakers_of_listing(
                self._state.db, self.listed_speakers
            )
        if prefetched is not None:
            return prefetched
        return [link.speaker for link in self.statement_speakers.all()]


def prefetched(model, rows):
    """``rows`` as ``prefetch_related`` leaves them for a relation's manager."""
    queryset = model._default_manager.get_queryset()
    queryset._result_cache, queryset._prefetch_done = rows, True
    return queryset


class Correction(models.Model):
    """One entry of a statement's public change log."""

    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="corrections"
    )
    made_at = models.DateTimeField("updated at", default=timezone.now)
    note = models.CharField(
        max_length=300, help_text="What changed and why, as the public reads it."
    )

    class Meta:
        ordering = ["-made_at", "-id"]
        indexes = [models.Index(fields=["statement", "-made_at"])]

    def __str__(self):
        return self.note


class StatementSpeaker(models.Model):
    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="statement_speakers"
    )
    speaker = models.ForeignKey(
        Speaker, on_delete=models.PROTECT, related_name="speaker_statements"
    )
    position = models.PositiveSmallIntegerField(default=0)
    # The statement's, copied: on PostgreSQL database triggers keep it (and
    # an index of each speaker's links newest first, migration 0012), so a
    # search with a speaker reads their statements newest first from their
    # links alone (``statements.search``). Left empty elsewhere.
    published_at = models.DateTimeField(null=True, editable=False)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "speaker"], name="unique_statement_speaker"
            )
        ]
        indexes = [models.Index(fields=["speaker", "statement"])]

    def __str__(self):
        return f"{self.speaker} in {self.statement}"


class Turn(models.Model):
    class Role(models.TextChoices):
        QUESTION = "question", "Question"
        ANSWER = "answer", "Answer"

    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="turns"
    )
    position = models.PositiveIntegerField(default=0)
    role = models.CharField(max_length=10, choices=Role)
    label = models.CharField(
        max_length=300,
        help_text='As written before the colon, e.g. "Question (to both ministers)".',
    )
    speaker = models.ForeignKey(
        Speaker,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="turns",
        help_text="Who answers. Leave empty for questions.",
    )
    note = models.CharField(
        max_length=300, blank=True, help_text="The note in parentheses, if any."
    )
    text = models.TextField(help_text="Paragraphs separated by blank lines.")
    # The text's words in its statement's language, parsed once: what a
    # speaker said is searched here, and the statement's vector is built
    # from these (``statements.search``).
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["statement", "position", "id"]
        indexes = [models.Index(fields=["statement", "position"])]

    def __str__(self):
        return f"{self.label} ({self.statement})"

    def get_absolute_url(self):
        return f"{self.statement.get_absolute_url()}#{self.anchor}"

    @property
    def is_question(self):
        return self.role == self.Role.QUESTION

    @staticmethod
    def anchor_for(position):
        return f"turn-{position}"

    @property
    def anchor(self):
        return self.anchor_for(self.position)

    @property
    def paragraphs(self):
        return split_paragraphs(self.text)
