import datetime

from django.db import models
from django.db.models import CharField, Count, Exists, F, OuterRef, Prefetch, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone, translation
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


def lead_image_links():
    """Each statement's picture links as ``lead_image_links``: the first leads.

    All of them, in one plain query: asking for the first of each alone made
    Django number every statement's links with a window function, which took
    2.6 ms of CPU per list page against 1.4 ms for reading them all (galleries
    are a few pictures).
    """
    from library.models import StatementImage

    return Prefetch(
        "image_links",
        queryset=StatementImage.objects.select_related("image"),
        to_attr="lead_image_links",
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
        """What a list item shows; the long body and search vector stay behind."""
        return (
            self.with_speakers()
            .prefetch_related(lead_image_links())
            .defer("body", "search_vector")
        )

    def with_gallery(self):
        """The gallery's pictures, in order, in one query."""
        from library.models import StatementImage

        return self.prefetch_related(
            Prefetch(
                "image_links", queryset=StatementImage.objects.select_related("image")
            )
        )

    def with_media(self):
        """The gallery's pictures and the documents, in order, in two queries."""
        from library.models import StatementDocument

        return self.with_gallery().prefetch_related(
            Prefetch(
                "document_links",
                queryset=StatementDocument.objects.select_related("document"),
            )
        )

    def with_turns(self):
        """All a statement's page shows: speakers, topics and turns."""
        from .models import Turn

        return (
            self.with_speakers()
            .prefetch_related(
                "topics",
                "corrections",
                Prefetch(
                    "turns",
                    queryset=Turn.objects.select_related("speaker").defer(
                        "search_vector"
                    ),
                ),
            )
            .defer("search_vector")
        )

    def newer_than(self, statement):
        same_time = Q(published_at=statement.published_at)
        return self.filter(
            Q(published_at__gt=statement.published_at)
            | same_time & Q(id__gt=statement.id)
        ).order_by("published_at", "id")

    def older_than(self, statement):
        same_time = Q(published_at=statement.published_at)
        return self.filter(
            Q(published_at__lt=statement.published_at)
            | same_time & Q(id__lt=statement.id)
        ).order_by("-published_at", "-id")
