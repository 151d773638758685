"""Import statements from the exchange format, in batches, each in a transaction.

Lines are streamed and validated one by one (``exchange.read_records``); each
batch of valid records is written with bulk inserts inside one transaction, so
an interrupted import leaves whole statements only, and a batch the database
refuses is retried line by line. A statement already in the database (by the
line's slug, or by title and time for a line without one) is left alone (the
same file twice gives the same database) unless ``update`` is set, which
rewrites it as an admin save does when its content changed.
The question-and-answer part of transcripts, briefings and interviews is
structured into turns with ``transcripts.parse``.
"""

import re
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from embassy.pagecache.generation import retire_pages
from library.exchange import MediaError, MediaFiles
from library.models import StatementDocument, StatementImage

from . import history, transcripts
from .exchange import LineError, read_records
from .models import Statement, StatementSpeaker, Topic, Turn, new_translation_keys
from .search import (
    INDEXED_CHARACTERS,
    SEARCH_INDEXES,
    build_search_indexes,
    config_for,
    drop_search_indexes,
    full_text_search_available,
    refresh_missing_search_vectors,
    refresh_statement_vectors,
)
from .services import SpeakerResolver
from .slugs import unique_slug

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
    "language",
)


@dataclass
class BatchResult:
    new: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    skipped: int = 0
    errors: list[LineError] = field(default_factory=list)
    claimed: dict = field(default_factory=dict)


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
        errors = len(self.errors)
        return (
            f"{self.created} created, {self.updated} updated, "
            f"{self.skipped} skipped (already imported), "
            f"{errors} {'error' if errors == 1 else 'errors'}"
        )


class SearchIndexer:
    """Refreshes imported statements' search vectors on a second connection.

    PostgreSQL computes the vectors while Python parses the next batch, which
    uses both cores. Inside an outer transaction (whose rows another connection
    cannot see) the refresh runs on the importing connection instead. On exit,
    statements left without a vector, by this import or an interrupted one,
    are refreshed too.

    Into an empty archive, the indexes that serve reading alone (the vectors'
    GIN indexes and the lists' indexes: ``READING_INDEXES``) are built once at
    the end, however the import ends, instead of row by row. Should the
    process be killed before, the next import builds them first.
    """

    def __enter__(self):
        self.background = self._background = (
            full_text_search_available() and not connection.in_atomic_block
        )
        self._executor = ThreadPoolExecutor(max_workers=1) if self._background else None
        self._pending = []
        self._indexes_later = self._background and not Statement.objects.exists()
        if self._indexes_later:
            drop_search_indexes()
            drop_reading_indexes()
        elif self._background:
            build_search_indexes()
            build_reading_indexes()
        if self._background:
            self._executor.submit(fast_commits)
        return self

    def refresh(self, statement_ids):
        """Build the statements' vectors (their turns' were written with them)."""
        if self._background:
            job = self._executor.submit(refresh_statement_vectors, statement_ids)
            self._pending.append((job, statement_ids))
        else:
            refresh_statement_vectors(statement_ids)

    def __exit__(self, *exc_info):
        try:
            if self._background:
                # The refreshes lag behind the batches: the importing
                # connection takes those not yet started, from the last,
                # while the second one goes on from the first.
                for job, statement_ids in reversed(self._pending):
                    if not job.cancel():
                        break
                    refresh_statement_vectors(statement_ids)
                for job, _ in self._pending:
                    if not job.cancelled():
                        job.result()
            refresh_missing_search_vectors()
        finally:
            try:
                if self._indexes_later:
                    self._build_indexes()
            finally:
                if self._background:
                    self._executor.submit(close_connection)
                    self._executor.shutdown(wait=True)

    def _build_indexes(self):
        """The missing indexes, two at a time: the statements' vectors' (two
        thirds of the time for 100,000 statements; GIN indexes are built by
        one process) on the second connection, the others on this one."""
        largest = self._executor.submit(build_indexes, [LARGEST_INDEX])
        build_indexes(
            [name for name in SEARCH_INDEXES if name != LARGEST_INDEX], reading=True
        )
        largest.result()


class BatchWriter:
    """Writes each batch on a connection of its own while Python reads the next.

    Batches are written one at a time, in order, each in its transaction, by
    one thread: PostgreSQL inserts a batch (and parses its turns' text) while
    the importing thread reads, validates and parses the lines of the next,
    and the ``SearchIndexer``'s connection builds the vectors of the one
    before. Where the indexer works on the importing connection (inside an
    outer transaction, or on SQLite), so does this.
    """

    def __init__(self, importer, indexer):
        self._importer = importer
        self._indexer = indexer
        self._executor = None
        self._writing = None

    def __enter__(self):
        if self._indexer.background:
            self._executor = ThreadPoolExecutor(max_workers=1)
            self._executor.submit(fast_commits)
        return self

    def write(self, batch, progress=None):
        """Write ``batch`` (in the background: once the one before is written)."""
        if self._executor is None:
            self._indexer.refresh(self._importer._import(batch))
            if progress:
                progress(self._importer.summary)
            return
        self._wait()
        self._writing = self._executor.submit(self._importer._import, batch)
        if progress:
            progress(self._importer.summary)

    def _wait(self):
        if self._writing is not None:
            writing, self._writing = self._writing, None
            self._indexer.refresh(writing.result())

    def __exit__(self, exc_type, *exc_info):
        if self._executor is None:
            return
        try:
            if exc_type is None:
                self._wait()
        finally:
            # A batch being written when the import stopped is finished (or
            # rolled back) before the indexer refreshes what is missing.
            self._executor.submit(close_connection)
            self._executor.shutdown(wait=True)


# The indexes models declare for reading (the lists' orders and filters, the
# turns' order); the constraints' and foreign keys' indexes stay, and so does
# the next scheduled publication's, which each batch's ``retire_pages`` reads.
READING_INDEXES = (Statement, Turn)
KEPT_INDEXES = frozenset({"statement_schedule_idx"})
# Built on a connection of its own while the others are built (``SearchIndexer``).
LARGEST_INDEX = "statement_search_idx"
# For the index builds at the end of an import into an empty archive, in
# its session only (PostgreSQL's default is 64 MB).
INDEX_BUILD_MEMORY = "512MB"


def drop_reading_indexes():
    with connection.schema_editor() as editor:
        for model in READING_INDEXES:
            for index in model._meta.indexes:
                if index.name not in KEPT_INDEXES:
                    editor.remove_index(model, index)


@contextmanager
def index_build_memory():
    """More memory for building indexes, for this session while it lasts."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SET maintenance_work_mem = '{INDEX_BUILD_MEMORY}'")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET maintenance_work_mem")


def build_indexes(search_indexes, reading=False):
    """Build the missing ones of ``search_indexes``, and of the reading
    indexes if ``reading``, with more memory."""
    with index_build_memory():
        build_search_indexes(search_indexes)
        if reading:
            build_reading_indexes()


def build_reading_indexes():
    """Build those of the models' declared indexes that are missing."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = ANY(%s)",
            [[model._meta.db_table for model in READING_INDEXES]],
        )
        existing = {name for (name,) in cursor.fetchall()}
    with connection.schema_editor() as editor:
        for model in READING_INDEXES:
            for index in model._meta.indexes:
                if index.name not in existing:
                    editor.add_index(model, index)


TURN_COLUMNS = (
    "statement_id",
    "position",
    "role",
    "label",
    "note",
    "speaker_id",
    "text",
)
# Each turn's vector is parsed as it is written, in its statement's language,
# as ``search.REFRESH_TURNS_SQL`` parses it: written without it, every turn was
# written a second time by the refresh's UPDATE.
INSERT_TURNS_SQL = f"""
INSERT INTO statements_turn ({", ".join(TURN_COLUMNS)}, search_vector)
SELECT {", ".join(TURN_COLUMNS)},
    to_tsvector(config, left(text, {INDEXED_CHARACTERS}))
FROM unnest(
    %s::bigint[], %s::integer[], %s::text[], %s::text[], %s::text[],
    %s::bigint[], %s::text[], %s::regconfig[]
) AS t({", ".join(TURN_COLUMNS)}, config)
"""


def insert_turns(rows):
    """Write turns, given as (``TURN_COLUMNS`` values..., language) tuples.

    On PostgreSQL, one statement a batch with the turns' search vectors
    computed as they are written (building a ``Turn`` and compiling its
    INSERT took more of Python's time than parsing the transcript).
    """
    if not rows:
        return
    if not full_text_search_available():
        Turn.objects.bulk_create(
            Turn(**dict(zip(TURN_COLUMNS, row[:-1], strict=True))) for row in rows
        )
        return
    columns = [list(column) for column in zip(*rows, strict=True)]
    columns[-1] = [config_for(language) for language in columns[-1]]
    with connection.cursor() as cursor:
        cursor.execute(INSERT_TURNS_SQL, columns)


def insert_statements(statements):
    """``bulk_create`` of new statements, without their search vectors.

    ``refresh_statement_vectors`` writes those after. Their column's type is
    one Django's PostgreSQL backend cannot put in an array, so with it
    ``bulk_create`` wrote a placeholder per value instead of one array per
    column (``INSERT ... SELECT FROM unnest()``): 30% of the writer thread's
    Python time. ``QuerySet._insert`` is the insert ``bulk_create`` runs, given
    the columns.
    """
    if not statements:
        return
    if not full_text_search_available():
        Statement.objects.bulk_create(statements)
        return
    fields = [
        field
        for field in Statement._meta.concrete_fields
        if not field.primary_key and field.name != "search_vector"
    ]
    rows = Statement.objects._insert(
        statements, fields=fields, returning_fields=[Statement._meta.pk]
    )
    for statement, (pk,) in zip(statements, rows, strict=True):
        statement.pk = pk
        statement._state.adding = False
        statement._state.db = connection.alias


def close_connection():
    """Close the calling thread's own connection (each thread has one).

    Submitted to a thread as ``connection.close``, the method was looked up
    in the submitting thread, so it was that thread's connection's: Django
    refused to close it from another thread, and the thread's own stayed
    open.
    """
    connection.close()


def fast_commits():
    """Commit without waiting for the disk: a batch's commit no longer waits
    for its write-ahead log to be flushed. A crash of the machine may lose the
    last batches, never corrupt them; importing the file again adds them."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")


def _normalised(text):
    return " ".join(text.split())


class TopicResolver:
    """A topic by its name in any language; an unknown name makes a new topic."""

    def __init__(self):
        self._by_name = {
            name.casefold(): topic
            for topic in Topic.objects.all()
            for name in topic.names
        }

    def resolve(self, name):
        topic = self._by_name.get(name.casefold())
        if topic is None:
            topic = Topic.objects.create(name=name)
            self._by_name[name.casefold()] = topic
        return topic


def refresh_statistics():
    """Fresh planner statistics after a load, as PostgreSQL asks for.

    Without them the list's count (an estimate past a thousand matches) can
    be off a hundredfold until autovacuum comes round.
    """
    if connection.vendor != "postgresql":
        return
    tables = [
        model._meta.db_table
        for model in (Statement, StatementSpeaker, Statement.topics.through, Turn)
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(tables)}")


class Importer:
    def __init__(
        self, *, create_speakers=False, update=False, batch_size=500, folder=None
    ):
        self.update = update
        # Where the files lines name are: the JSON Lines file's folder.
        self.media = MediaFiles(folder)
        self.create_speakers = create_speakers
        self.batch_size = batch_size
        self.speakers = SpeakerResolver(create=create_speakers)
        self.topics = TopicResolver()
        self.summary = Summary()
        # Slugs this import gave or met, with their line: never given twice.
        self.claimed = {}
        # A statement saved after this was saved by someone else while the
        # import ran: --update must not silently undo that save.
        self.started_at = timezone.now()

    def run(self, stream, progress=None):
        """Import a binary stream's lines; ``progress(summary)`` after each batch."""
        fast_commits()
        try:
            self._run(stream, progress)
        finally:
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("RESET synchronous_commit")
        return self.summary

    def _run(self, stream, progress):
        with SearchIndexer() as indexer, BatchWriter(self, indexer) as writer:
            batch = []
            for item in map(self._prepared, read_records(stream)):
                if isinstance(item, LineError):
                    self.summary.errors.append(item)
                    continue
                batch.append(item)
                if len(batch) >= self.batch_size:
                    writer.write(batch, progress)
                    batch = []
            if batch:
                writer.write(batch)
        refresh_statistics()
        retire_pages()
        if progress:
            progress(self.summary)

    def _prepared(self, item):
        """The record with its files in the library and its transcript parsed.

        Parsing needs no database: it is done while the batch before is
        written (``BatchWriter``), for lines found already imported too.
        """
        item = self._with_media(item)
        if not isinstance(item, LineError) and item.kind in KINDS_WITH_TURNS:
            item.transcript = transcripts.parse(
                item.body, speakers=item.speakers or None
            )
        return item

    def _with_media(self, item):
        """The record with its files in the library, or the line's error.

        Files are brought in before the line's batch is written, outside its
        transaction: a line refused later leaves them in the library, unused.
        """
        if isinstance(item, LineError):
            return item
        try:
            if item.images is not None:
                item.library_images = [
                    self.media.image(f"images[{n}]", ref)
                    for n, ref in enumerate(item.images)
                ]
            if item.documents is not None:
                item.library_documents = [
                    self.media.document(f"documents[{n}]", ref)
                    for n, ref in enumerate(item.documents)
                ]
        except MediaError as error:
            return LineError(item.line_number, str(error))
        return item

    def _import(self, records):
        """Import a batch; if the database refuses it, each of its lines alone.

        Lines are validated before they reach the database, so this is for
        what validation did not foresee: one line is refused with the
        database's reason, and the lines around it are imported.
        """
        try:
            return self._import_batch(records)
        except DatabaseError as error:
            # Names resolved in the rolled-back transaction may not exist.
            self.speakers = SpeakerResolver(
                create=self.create_speakers, unknown=self.speakers.unknown
            )
            self.topics = TopicResolver()
            if len(records) == 1:
                reason = str(error).strip().splitlines()[0][:200]
                self.summary.errors.append(
                    LineError(
                        records[0].line_number, f"the database refused it: {reason}"
                    )
                )
                return []
        return [pk for record in records for pk in self._import([record])]

    def _import_batch(self, records):
        with transaction.atomic():
            result = BatchResult()
            existing = self._locked(
                Statement.objects.filter(slug__in=[record.slug for record in records])
            )
            for record in records:
                self._sort(record, existing, result)
            keys = new_translation_keys(len(result.new))
            created = [
                self._build(Statement(slug=slug, translation_key=key), record)
                for (record, slug), key in zip(result.new, keys, strict=True)
            ]
            insert_statements(created)
            updated = self._update(result.changed)
            self._add_relations(created + updated)
            self._record_versions(result.changed)
            retire_pages()
        self.claimed.update(result.claimed)
        self.summary.created += len(result.new)
        self.summary.updated += len(result.changed)
        self.summary.skipped += result.skipped
        self.summary.errors += result.errors
        return [statement.id for statement in created + updated]

    @staticmethod
    def _locked(statements):
        """Statements by slug, locked until the batch's transaction ends."""
        rows = statements.select_for_update(of=("self",)).with_turns().with_media()
        return {statement.slug: statement for statement in rows}

    def _sort(self, record, existing, result):
        """Put the record among the new, changed, skipped or refused lines."""
        if record.slug_given:
            earlier = self.claimed.get(record.slug) or result.claimed.get(record.slug)
            if earlier:
                result.errors.append(
                    LineError(
                        record.line_number,
                        f"slug {record.slug!r} was given to line {earlier}",
                    )
                )
                return
            statement, slug = existing.get(record.slug), record.slug
        else:
            statement, slug = self._same_statement(record, existing, result)
        result.claimed[slug] = record.line_number
        if statement is None:
            result.new.append((record, slug))
        elif not (self.update and self._differs(statement, record)):
            result.skipped += 1
        elif statement.updated_at > self.started_at:
            result.errors.append(
                LineError(
                    record.line_number,
                    f"not updated: {slug!r} was saved by someone else at "
                    f"{timezone.localtime(statement.updated_at):%H:%M:%S}, while "
                    "this import ran; check their version, then import again",
                )
            )
        else:
            result.changed.append((statement, record))

    def _same_statement(self, record, existing, result):
        """(stored statement or None, slug) for a line without a slug.

        The stored statement is the one with the line's title and time. The
        slug made from them may belong to a different statement (titles that
        transliterate alike, a title without letters): then the line's
        statement is, or will be, at the next free one, base-2, base-3...
        """
        base = record.slug
        stored = existing.get(base)
        if stored is None and base not in self.claimed and base not in result.claimed:
            return None, base
        if stored is not None and stored.identity == record.identity:
            return stored, base
        numbered = Statement.objects.filter(slug__regex=rf"^{re.escape(base)}-[0-9]+$")
        for statement in self._locked(numbered).values():
            if statement.identity == record.identity:
                return statement, statement.slug
        # Only here, for the rare slug met twice: every slug claimed so far,
        # gathered for each line, made the import quadratic.
        taken = [
            slug
            for claimed in (self.claimed, result.claimed)
            for slug in claimed
            if slug.startswith(base)
        ]
        return None, unique_slug(Statement, base, taken=taken)

    def _update(self, changed):
        """Write the changed statements' new content; they keep their history."""
        if not changed:
            return []
        for statement, _ in changed:
            history.keep_first_version(statement)
            statement.was_public = statement.is_public
        updated = [self._build(statement, record) for statement, record in changed]
        Statement.objects.bulk_update(updated, [*CONTENT_FIELDS, "summary"])
        ids = [statement.id for statement in updated]
        StatementSpeaker.objects.filter(statement_id__in=ids).delete()
        Statement.topics.through.objects.filter(statement_id__in=ids).delete()
        Turn.objects.filter(statement_id__in=ids).delete()
        # A line without "images" or "documents" leaves them as they are.
        StatementImage.objects.filter(
            statement_id__in=[s.id for s, r in changed if r.library_images is not None]
        ).delete()
        StatementDocument.objects.filter(
            statement_id__in=[
                s.id for s, r in changed if r.library_documents is not None
            ]
        ).delete()
        return updated

    @staticmethod
    def _record_versions(changed):
        """Save each updated statement as the admin does: a version, and its
        correction time when the public had read the earlier text."""
        now = timezone.now()
        ids = [statement.id for statement, _ in changed]
        public = {statement.id for statement, _ in changed if statement.was_public}
        for statement in Statement.objects.with_turns().filter(id__in=ids):
            if statement.id in public:
                note = "Updated from an imported archive."
                statement.corrections.create(made_at=now, note=note)
                statement.public_change_note = note
            statement._change_reason = "import_statements --update"
            statement.save()

    def _build(self, statement, record):
        turns = []
        body = record.body
        if record.kind in KINDS_WITH_TURNS:
            parsed = getattr(record, "transcript", None) or transcripts.parse(
                body, speakers=record.speakers or None
            )
            if parsed.turns:
                body = "\n\n".join(parsed.opening)
                turns = parsed.turns
        for name in (
            "title",
            "kind",
            "status",
            "published_at",
            "delivered_on",
            "language",
        ):
            setattr(statement, name, getattr(record, name))
        if record.translation_key:
            statement.translation_key = record.translation_key
        statement.location = record.location
        statement.lead = record.lead
        statement.featured = record.featured
        statement.body = body
        statement.refresh_summary()
        statement._pending = (record, turns)
        return statement

    def _add_relations(self, statements):
        links, topic_links, turns = [], [], []
        image_links, document_links = [], []
        for statement in statements:
            record, parsed_turns = statement._pending
            del statement._pending
            # Two names may be one speaker ("Sergey Lavrov", "Mr Lavrov").
            speakers = list(
                dict.fromkeys(self.speakers.declared(name) for name in record.speakers)
            )
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
            turns += self._turn_rows(statement, parsed_turns, speakers)
            image_links += [
                StatementImage(statement=statement, image=image, position=position)
                for position, image in enumerate(record.library_images or [])
            ]
            document_links += [
                StatementDocument(
                    statement=statement, document=document, position=position
                )
                for position, document in enumerate(record.library_documents or [])
            ]
        StatementSpeaker.objects.bulk_create(links)
        Statement.topics.through.objects.bulk_create(topic_links)
        insert_turns(turns)
        StatementImage.objects.bulk_create(image_links)
        StatementDocument.objects.bulk_create(document_links)

    def _turn_rows(self, statement, parsed_turns, speakers):
        """The turns' rows for ``insert_turns``, as ``services.make_turn``
        makes a turn: answers linked to known speakers (each name resolved
        once: a transcript names the same few speakers turn after turn)."""
        answered = Turn.Role.ANSWER
        answered_by = {
            name: self.speakers.resolve(name, speakers)
            for name in dict.fromkeys(
                turn.speaker
                for turn in parsed_turns
                if turn.role == answered and turn.speaker
            )
        }
        rows = []
        for position, turn in enumerate(parsed_turns, start=1):
            speaker = answered_by.get(turn.speaker) if turn.role == answered else None
            rows.append(
                (
                    statement.id,
                    position,
                    turn.role,
                    turn.label,
                    turn.note or "",
                    speaker and speaker.id,
                    "\n\n".join(turn.paragraphs),
                    statement.language,
                )
            )
        return rows

    def _differs(self, statement, record):
        """Whether the record's content differs from the stored statement's."""
        stored_body = statement.full_text()
        return (
            _normalised(stored_body) != _normalised(record.body)
            or [s.name for s in statement.ordered_speakers] != record.speakers
            or sorted(t.name for t in statement.topics.all()) != sorted(record.tags)
            or record.library_images not in (None, statement.gallery)
            or record.library_documents not in (None, statement.documents)
            or any(
                getattr(statement, name) != getattr(record, name)
                for name in CONTENT_FIELDS
                if name != "body"
            )
        )
