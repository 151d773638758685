"""Import statements from the exchange format, in batches, each in a transaction.

Lines are streamed and validated one by one (``exchange.read_records``); each
batch of valid records is written with bulk inserts inside one transaction, so
an interrupted import leaves whole statements only. A statement whose slug is
already in the database is left alone (the same file twice gives the same
database) unless ``update`` is set, which refreshes it when its content changed.
The question-and-answer part of transcripts, briefings and interviews is
structured into turns with ``transcripts.parse``.
"""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from . import transcripts
from .caching import public_content_changed
from .exchange import LineError, read_records
from .models import Statement, StatementSpeaker, Topic, Turn
from .search import (
    full_text_search_available,
    refresh_missing_search_vectors,
    refresh_search_vectors,
)
from .services import SpeakerResolver, build_turns, unique_slug

KINDS_WITH_TURNS = frozenset(
    {Statement.Kind.TRANSCRIPT, Statement.Kind.BRIEFING, Statement.Kind.INTERVIEW}
)
CONTENT_FIELDS = (
    "title",
    "kind",
    "status",
    "published_at",
    "delivered_on",
    "location",
    "lead",
    "body",
    "featured",
)


@dataclass
class Summary:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[LineError] = field(default_factory=list)

    @property
    def lines(self):
        return self.created + self.updated + self.skipped + len(self.errors)

    def __str__(self):
        return (
            f"{self.created} created, {self.updated} updated, "
            f"{self.skipped} skipped (already imported), {len(self.errors)} errors"
        )


class SearchIndexer:
    """Refreshes imported statements' search vectors on a second connection.

    PostgreSQL computes the vectors while Python parses the next batch, which
    uses both cores. Inside an outer transaction (whose rows another connection
    cannot see) the refresh runs on the importing connection instead. On exit,
    statements left without a vector, by this import or an interrupted one,
    are refreshed too.
    """

    def __enter__(self):
        self._background = (
            full_text_search_available() and not connection.in_atomic_block
        )
        self._executor = ThreadPoolExecutor(max_workers=1) if self._background else None
        self._pending = []
        return self

    def refresh(self, statement_ids):
        if self._background:
            self._pending.append(
                self._executor.submit(refresh_search_vectors, statement_ids)
            )
        else:
            refresh_search_vectors(statement_ids)

    def __exit__(self, *exc_info):
        if self._background:
            self._executor.submit(connection.close)
            self._executor.shutdown(wait=True)
            for job in self._pending:
                job.result()
        refresh_missing_search_vectors()


def _normalised(text):
    return " ".join(text.split())


class TopicResolver:
    def __init__(self):
        self._by_name = {topic.name.casefold(): topic for topic in Topic.objects.all()}

    def resolve(self, name):
        topic = self._by_name.get(name.casefold())
        if topic is None:
            topic = Topic.objects.create(name=name, slug=unique_slug(Topic, name, 100))
            self._by_name[name.casefold()] = topic
        return topic


class Importer:
    def __init__(self, *, create_speakers=False, update=False, batch_size=500):
        self.update = update
        self.batch_size = batch_size
        self.speakers = SpeakerResolver(create=create_speakers)
        self.topics = TopicResolver()
        self.summary = Summary()

    def run(self, stream, progress=None):
        """Import a binary stream's lines; ``progress(summary)`` after each batch."""
        with SearchIndexer() as indexer:
            batch = []
            for item in read_records(stream):
                if isinstance(item, LineError):
                    self.summary.errors.append(item)
                    continue
                batch.append(item)
                if len(batch) >= self.batch_size:
                    indexer.refresh(self._import_batch(batch))
                    batch = []
                    if progress:
                        progress(self.summary)
            if batch:
                indexer.refresh(self._import_batch(batch))
        public_content_changed()
        if progress:
            progress(self.summary)
        return self.summary

    @transaction.atomic
    def _import_batch(self, records):
        existing = Statement.objects.with_turns().in_bulk(
            [record.slug for record in records], field_name="slug"
        )
        new, changed = [], []
        for record in records:
            statement = existing.get(record.slug)
            if statement is None:
                new.append(record)
            elif self.update and self._differs(statement, record):
                changed.append((statement, record))
            else:
                self.summary.skipped += 1
        created = [self._build(Statement(), record) for record in new]
        Statement.objects.bulk_create(created)
        if changed:
            updated = [self._build(statement, record) for statement, record in changed]
            now = timezone.now()
            for statement in updated:
                statement.updated_at = now  # editors' optimistic locking sees it
            Statement.objects.bulk_update(
                updated, [*CONTENT_FIELDS, "summary", "updated_at"]
            )
            ids = [statement.id for statement in updated]
            StatementSpeaker.objects.filter(statement_id__in=ids).delete()
            Statement.topics.through.objects.filter(statement_id__in=ids).delete()
            Turn.objects.filter(statement_id__in=ids).delete()
            created += updated
        self._add_relations(created)
        public_content_changed()
        self.summary.created += len(new)
        self.summary.updated += len(changed)
        return [statement.id for statement in created]

    def _build(self, statement, record):
        turns = []
        body = record.body
        if record.kind in KINDS_WITH_TURNS:
            parsed = transcripts.parse(body, speakers=record.speakers or None)
            if parsed.turns:
                body = "\n\n".join(parsed.opening)
                turns = parsed.turns
        for name in ("title", "slug", "kind", "status", "published_at", "delivered_on"):
            setattr(statement, name, getattr(record, name))
        statement.location = record.location
        statement.lead = record.lead
        statement.featured = record.featured
        statement.body = body
        statement.refresh_summary()
        statement._pending = (record, turns)
        return statement

    def _add_relations(self, statements):
        links, topic_links, turns = [], [], []
        for statement in statements:
            record, parsed_turns = statement._pending
            del statement._pending
            speakers = [self.speakers.declared(name) for name in record.speakers]
            links += [
                StatementSpeaker(
                    statement=statement, speaker=speaker, position=position
                )
                for position, speaker in enumerate(speakers)
            ]
            topic_links += [
                Statement.topics.through(
                    statement_id=statement.id, topic_id=self.topics.resolve(name).id
                )
                for name in record.tags
            ]
            turns += build_turns(statement, parsed_turns, speakers, self.speakers)
        StatementSpeaker.objects.bulk_create(links)
        Statement.topics.through.objects.bulk_create(topic_links)
        Turn.objects.bulk_create(turns)

    def _differs(self, statement, record):
        """Whether the record's content differs from the stored statement's."""
        stored_body = statement.full_text()
        return (
            _normalised(stored_body) != _normalised(record.body)
            or [s.name for s in statement.ordered_speakers] != record.speakers
            or sorted(t.name for t in statement.topics.all()) != sorted(record.tags)
            or any(
                getattr(statement, name) != getattr(record, name)
                for name in CONTENT_FIELDS
                if name != "body"
            )
        )
