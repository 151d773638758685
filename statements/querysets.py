import datetime
import json

from django.db import models
from django.db.models import (
    Aggregate,
    CharField,
    Count,
    Exists,
    F,
    JSONField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, JSONArray, NullIf
from django.utils import timezone, translation
from modeltranslation.settings import AVAILABLE_LANGUAGES
from modeltranslation.utils import build_localized_fieldname, resolution_order

from embassy.compiled import CompiledQuery

# The public names' queries, by model and language: compiled once.
_public_names_queries = {}


class PublicNamesQuerySet(models.QuerySet):
    """For speakers and topics: only those named by a public statement."""

    statements_lookup = None

    def with_public_statements(self, language=None, now=None):
        """Named by a public statement; in ``language`` if given."""
        from .models import Statement

        statements = Statement.objects.published(now)
        if language is not None:
            statements = statements.in_language(language)
        return self.filter(
            Exists(statements.filter(**{self.statements_lookup: OuterRef("pk")}))
        )

    def public_names(self, language):
        """(slug, name) of those named by public statements in ``language``,
        by their names there: the filters' choices.

        Every list page read without the cache asks this in the same shape,
        and Django built and compiled its query each time: 1.9 ms of CPU for
        the speakers. So it is compiled once per process and run with the
        time of each request (0.14 ms). The name is chosen in SQL, as
        modeltranslation would choose it: the language's, else its fallback's.
        """
        key = (self.model, language)
        if key not in _public_names_queries:
            names = [
                NullIf(F(build_localized_fieldname("name", code)), Value(""))
                for code in resolution_order(language)
            ]
            _public_names_queries[key] = CompiledQuery(
                lambda now: (
                    self.model.objects.rewrite(False)
                    .with_public_statements(language, now=now)
                    .order_by(build_localized_fieldname("name", language))
                    .values_list(
                        "slug", Coalesce(*names, Value(""), output_field=CharField())
                    )
                ),
                now=datetime.datetime,
            )
        return _public_names_queries[key](self.db, now=timezone.now())

    def with_public_statement_counts(self, language):
        """Those of public statements in ``language``, with ``public_statements``."""
        from .models import Statement

        public = Q(
            statements__in=Statement.objects.published()
            .in_language(language)
            .values("pk")
        )
        # Meta.ordering is dropped from GROUP BY queries: ordered here.
        return (
            self.annotate(public_statements=Count("statements", filter=public))
            .filter(public_statements__gt=0)
            .order_by("name")
        )


class SpeakerQuerySet(PublicNamesQuerySet):
    statements_lookup = "speakers"


class TopicQuerySet(PublicNamesQuerySet):
    statements_lookup = "topics"


def speakers_in_order():
    """The prefetch that ``ordered_speakers`` reads (for ``prefetch_related``).

    The speakers alone, ordered by their links: reading the link rows as
    instances too took 0.6 ms more per list page.
    """
    from .models import Speaker

    return Prefetch(
        "speakers",
        queryset=Speaker.objects.order_by(
            "speaker_statements__position", "speaker_statements__id"
        ),
        to_attr="speakers_in_order",
    )


class JSONList(Aggregate):
    """A group's values as one JSON array, in no particular order."""

    function = "JSON_GROUP_ARRAY"
    output_field = JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSONB_AGG", **extra_context)


# What a list item reads of its speakers (their names and addresses) and of
# its lead picture (what its thumbnail and a feed's enclosure need), in the
# models' order of fields, the order ``Model.from_db`` takes them in.
LISTED_SPEAKER_FIELDS = [
    "id",
    "name",
    *(build_localized_fieldname("name", code) for code in AVAILABLE_LANGUAGES),
    "slug",
]
LISTED_IMAGE_FIELDS = [
    "id", "file", "width", "height", "renditions", "alt", "caption", "credit"
]  # fmt: skip


def listed_speakers():
    """Each statement's speakers as ``[position, link, *LISTED_SPEAKER_FIELDS]``
    rows, read with the statements (``speakers_of_listing`` makes them speakers).

    A prefetch was a query of its own, built and compiled by Django on every
    page and matched to the statements. Built and compiled on every page, these
    annotations cost as much; in a query compiled once (a list page's rows,
    the home page's latest) they cost nothing.
    """
    from .models import StatementSpeaker

    return Subquery(
        StatementSpeaker.objects.filter(statement=OuterRef("pk"))
        .order_by()
        .values("statement")
        .values(
            rows=JSONList(
                JSONArray(
                    "position",
                    "id",
                    *(f"speaker__{name}" for name in LISTED_SPEAKER_FIELDS),
                )
            )
        )
    )


def speakers_of_listing(db, rows):
    """The speakers ``listed_speakers`` read, in the editor's order."""
    from .models import Speaker

    return [
        Speaker.from_db(db, LISTED_SPEAKER_FIELDS, values)
        for _, _, *values in sorted(rows or [])
    ]


def listed_lead_image():
    """Each statement's first picture as ``LISTED_IMAGE_FIELDS``, read with the
    statements (``lead_image_of_listing`` makes it a picture), not prefetched."""
    from library.models import StatementImage

    picture = JSONArray(*(f"image__{name}" for name in LISTED_IMAGE_FIELDS))
    return Subquery(
        StatementImage.objects.filter(statement=OuterRef("pk"))
        .order_by("position", "id")
        .values(picture=picture)[:1],
        output_field=JSONField(),
    )


def lead_image_of_listing(db, values):
    """The picture ``listed_lead_image`` read, or None."""
    from library.models import Image

    if values is None:
        return None
    image = Image.from_db(db, LISTED_IMAGE_FIELDS, values)
    # SQLite keeps JSON as text, so it comes back inside the array as a string.
    if isinstance(image.renditions, str):
        image.renditions = json.loads(image.renditions)
    return image


def shown_rows(relation):
    """The rows of one of a statement's relations as its page shows them."""
    from library.models import StatementDocument, StatementImage

    from .models import Correction, Topic, Turn

    return {
        "topics": lambda: Topic.objects.all(),
        "corrections": lambda: Correction.objects.all(),
        "turns": lambda: Turn.objects.select_related("speaker").defer("search_vector"),
        "image_links": lambda: StatementImage.objects.select_related("image"),
        "document_links": lambda: StatementDocument.objects.select_related("document"),
    }[relation]()


def statement_relation(relation):
    """One of a statement's relations as its page shows them, by the
    statement's key, compiled once."""

    def build(statement):
        from .models import Statement

        field = Statement._meta.get_field(relation)
        lookup = field.related_query_name() if field.concrete else field.field.name
        return shown_rows(relation).filter(**{lookup: statement})

    return CompiledQuery(build, statement=int)


# What a statement's page shows besides its row (``Statement.read_for_page``).
PAGE_RELATIONS = {
    relation: statement_relation(relation)
    for relation in ["topics", "corrections", "turns", "image_links", "document_links"]
}
PAGE_SPEAKERS = CompiledQuery(
    lambda statement: speakers_in_order().queryset.filter(
        speaker_statements__statement=statement
    ),
    statement=int,
)


class StatementQuerySet(models.QuerySet):
    def published(self, now=None):
        """Statements the public may see: published, and their time has come
        (by ``now``, the current time unless given)."""
        return self.filter(
            status=self.model.Status.PUBLISHED,
            published_at__lte=now or timezone.now(),
        )

    def next_publication(self, now):
        """When the next statement published ahead of its time becomes public."""
        return (
            self.filter(status=self.model.Status.PUBLISHED, published_at__gt=now)
            .order_by("published_at")
            .values_list("published_at", flat=True)
            .first()
        )

    def scheduled(self):
        """Published statements whose publication time is still to come."""
        return self.filter(
            status=self.model.Status.PUBLISHED, published_at__gt=timezone.now()
        )

    def in_language(self, language):
        return self.filter(language=language)

    def in_current_language(self):
        """In the page's language: each language's lists hold its own statements."""
        return self.in_language(translation.get_language())

    def versions_of(self, statement):
        """The other languages' versions of ``statement``."""
        return self.filter(translation_key=statement.translation_key).exclude(
            pk=statement.pk
        )

    def drafts(self):
        return self.filter(status=self.model.Status.DRAFT)

    def by_speaker(self, speaker):
        return self.filter(speakers=speaker)

    def with_speakers(self):
        """Speakers in their order, in one more query whatever the number of rows."""
        return self.prefetch_related(speakers_in_order())

    def for_listing(self):
        """What a list item shows, with its speakers and lead picture; the long
        body and search vector stay behind."""
        return self.annotate(
            listed_speakers=listed_speakers(), listed_lead_image=listed_lead_image()
        ).defer("body", "search_vector")

    def with_gallery(self):
        """The gallery's pictures, in order, in one query."""
        return self.prefetch_related(Prefetch("image_links", shown_rows("image_links")))

    def with_media(self):
        """The gallery's pictures and the documents, in order, in two queries."""
        return self.with_gallery().prefetch_related(
            Prefetch("document_links", shown_rows("document_links"))
        )

    def with_turns(self):
        """All a statement's page shows: speakers, topics and turns."""
        return (
            self.with_speakers()
            .prefetch_related(
                *(
                    Prefetch(name, shown_rows(name))
                    for name in ["topics", "corrections", "turns"]
                )
            )
            .defer("search_vector")
        )

    # The date's bound stands alone, so the index starts at the statement's
    # date even in a plan made without the values (a prepared statement's
    # generic plan): as one OR, it was a filter on every newer row (55 ms).
    def newer_than(self, statement):
        return self.filter(
            Q(published_at__gt=statement.published_at) | Q(id__gt=statement.id),
            published_at__gte=statement.published_at,
        ).order_by("published_at", "id")

    def older_than(self, statement):
        return self.filter(
            Q(published_at__lt=statement.published_at) | Q(id__lt=statement.id),
            published_at__lte=statement.published_at,
        ).order_by("-published_at", "-id")
