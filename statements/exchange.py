"""The statement exchange format (JSON Lines): one record to and from a line.

See docs/exchange-format.md. ``read_records`` streams a file and validates
each line into a ``Record``; a bad line becomes a ``LineError`` with its line
number and reason, and never stops the stream.
"""

import datetime
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from library.exchange import DocumentRef, ImageRef
from library.models import LANGUAGES as DOCUMENT_LANGUAGES

from .models import Statement
from .slugs import statement_slug

MAX_LINE_BYTES = 16 * 1024 * 1024
REQUIRED_KEYS = ("title", "published", "body")
KINDS = tuple(Statement.Kind.values)
STATUSES = tuple(Statement.Status.values)
LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)
DOCUMENT_LANGUAGE_CODES = frozenset(code for code, _name in DOCUMENT_LANGUAGES)
# A bare date in the format means noon, London time, that day.
BARE_DATE_TIME = datetime.time(12, 0)
# Dates outside these years are typing mistakes, and years 1 and 9999 shifted
# by their offset do not fit Python's datetime.
FIRST_YEAR, LAST_YEAR = 1900, 2100


class RecordError(ValueError):
    pass


@dataclass
class Record:
    title: str
    slug: str
    published_at: datetime.datetime
    body: str
    kind: str = Statement.Kind.STATEMENT
    speakers: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    location: str = ""
    featured: bool = False
    lead: str = ""
    delivered_on: datetime.date | None = None
    status: str = Statement.Status.PUBLISHED
    language: str = settings.LANGUAGE_CODE
    # Shared by the versions of one statement; empty: a key of its own.
    translation_key: str = ""
    line_number: int = 0
    # False when the slug was made from the date and title.
    slug_given: bool = True
    # None when the line has no such key: --update then leaves them alone.
    images: list[ImageRef] | None = None
    documents: list[DocumentRef] | None = None
    # The library's entries for them, once the importer has brought them in.
    library_images: list | None = None
    library_documents: list | None = None

    @property
    def identity(self):
        """What makes a line without a slug the same statement as another."""
        return (self.title, self.published_at)


@dataclass
class LineError:
    line_number: int
    reason: str

    def __str__(self):
        return f"line {self.line_number}: {self.reason}"


def _storable(key, value):
    """Refuse what no database stores: NUL characters and lone surrogates."""
    if "\x00" in value:
        raise RecordError(f"{key} contains a NUL character")
    try:
        value.encode()
    except UnicodeEncodeError as error:
        code = ord(value[error.start])
        raise RecordError(
            f"{key} contains a lone surrogate (\\u{code:04x}), which is not a character"
        ) from None


def _text(data, key, max_length, required=False):
    value = data.get(key, "")
    if not isinstance(value, str):
        raise RecordError(f"{key} must be a string")
    value = value.strip()
    if required and not value:
        raise RecordError(f"{key} is empty")
    _storable(key, value)
    if len(value) > max_length:
        raise RecordError(f"{key} is longer than {max_length} characters")
    return value


def _names(data, key, max_length):
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RecordError(f"{key} must be a list of strings")
    names, seen = [], set()
    for name in (" ".join(v.split()) for v in value):
        if not name or len(name) > max_length:
            raise RecordError(
                f"{key} holds an empty name or one over {max_length} characters"
            )
        _storable(key, name)
        # Names are matched ignoring case: "Belarus" and "belarus" are one.
        if name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names


def _published(value):
    if not isinstance(value, str):
        raise RecordError("published must be a string")
    problem = (
        f"published {value[:40]!r} is not a date (YYYY-MM-DD) or an ISO 8601 "
        "datetime with an offset"
    )
    try:
        day = parse_date(value)
        moment = None if day else parse_datetime(value)
    except ValueError:
        raise RecordError(problem) from None
    if day is None and moment is None:
        raise RecordError(problem)
    if not FIRST_YEAR <= (day or moment).year <= LAST_YEAR:
        raise RecordError(
            f"published {value[:40]!r} is not between {FIRST_YEAR} and {LAST_YEAR}"
        )
    if day:
        return timezone.make_aware(datetime.datetime.combine(day, BARE_DATE_TIME))
    if timezone.is_naive(moment):
        raise RecordError(f"published {value!r} has no UTC offset")
    return moment


def _delivered(value):
    if value is None:
        return None
    try:
        day = parse_date(value) if isinstance(value, str) else None
    except ValueError:
        day = None
    if day is None:
        raise RecordError(f"delivered {str(value)[:40]!r} is not a date (YYYY-MM-DD)")
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise RecordError(
            f"delivered {value!r} is not between {FIRST_YEAR} and {LAST_YEAR}"
        )
    return day


def _choice(data, key, choices, default):
    value = data.get(key, default)
    if value not in choices:
        raise RecordError(
            f"{key} {str(value)[:40]!r} is not one of {', '.join(choices)}"
        )
    return value


def _image_ref(item):
    return ImageRef(
        file=_text(item, "file", 500, required=True),
        alt=_text(item, "alt", 300, required=True),
        caption=_text(item, "caption", 500),
        credit=_text(item, "credit", 200),
    )


def _document_ref(item):
    language = _text(item, "language", 10)
    if language and language not in DOCUMENT_LANGUAGE_CODES:
        raise RecordError(f"language {language!r} is not a code such as ru or en")
    return DocumentRef(
        file=_text(item, "file", 500, required=True),
        title=_text(item, "title", 300, required=True),
        language=language,
    )


def _media(data, key, parse_one):
    """``data[key]``, a list of objects each read by ``parse_one``; None if absent."""
    if key not in data:
        return None
    value = data[key]
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise RecordError(f"{key} must be a list of objects")
    refs = []
    for number, item in enumerate(value):
        try:
            refs.append(parse_one(item))
        except RecordError as error:
            raise RecordError(f"{key}[{number}]: {error}") from None
    return refs


def parse_line(raw):
    """Validate one line of the format into a ``Record``, or raise RecordError."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RecordError(
            f"the line is not valid UTF-8 (byte {error.start + 1})"
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise RecordError(
            f"not valid JSON ({error.msg} at column {error.colno})"
        ) from None
    except RecursionError:
        raise RecordError("not valid JSON (nested too deeply)") from None
    if not isinstance(data, dict):
        raise RecordError("the line is not a JSON object")
    missing = [key for key in REQUIRED_KEYS if key not in data]
    if missing:
        raise RecordError(f"missing required key(s): {', '.join(missing)}")
    title = _text(data, "title", 500, required=True)
    published_at = _published(data["published"])
    featured = data.get("featured", False)
    if not isinstance(featured, bool):
        raise RecordError("featured must be true or false")
    slug = _text(data, "slug", 200)
    slug_given = bool(slug)
    slug = slug or statement_slug(published_at, title)
    try:
        validate_slug(slug)
    except ValidationError:
        raise RecordError(f"slug {slug[:40]!r} is not a valid slug") from None
    return Record(
        title=title,
        slug=slug,
        published_at=published_at,
        body=_text(data, "body", 5_000_000, required=True),
        kind=_choice(data, "kind", KINDS, Statement.Kind.STATEMENT),
        speakers=_names(data, "speakers", 200),
        tags=_names(data, "tags", 100),
        location=_text(data, "location", 200),
        featured=featured,
        lead=_text(data, "lead", 5000),
        delivered_on=_delivered(data.get("delivered")),
        status=_choice(data, "status", STATUSES, Statement.Status.PUBLISHED),
        language=_choice(data, "language", LANGUAGES, settings.LANGUAGE_CODE),
        translation_key=_text(data, "translation_key", 100),
        slug_given=slug_given,
        images=_media(data, "images", _image_ref),
        documents=_media(data, "documents", _document_ref),
    )


def read_lines(stream, max_bytes=MAX_LINE_BYTES):
    """Yield (line_number, bytes or None) from a binary stream; None is too long.

    Never holds more than ``max_bytes`` of one line in memory.
    """
    line_number = 0
    while True:
        chunk = stream.readline(max_bytes + 1)
        if not chunk:
            return
        line_number += 1
        if len(chunk) > max_bytes and not chunk.endswith(b"\n"):
            while chunk and not chunk.endswith(b"\n"):
                chunk = stream.readline(1024 * 1024)
            yield line_number, None
        else:
            yield line_number, chunk


def read_records(stream):
    """Yield a Record or a LineError for each non-blank line of a binary stream."""
    seen = {}
    versions = {}
    for line_number, raw in read_lines(stream):
        if raw is None:
            limit = MAX_LINE_BYTES // (1024 * 1024)
            yield LineError(line_number, f"the line is longer than {limit} MB")
            continue
        if not raw.strip():
            continue
        try:
            record = parse_line(raw)
        except RecordError as error:
            yield LineError(line_number, str(error))
            continue
        record.line_number = line_number
        # Identity: the slug when the line gives one; otherwise title and time.
        identity = record.slug if record.slug_given else record.identity
        if identity in seen:
            yield LineError(
                line_number,
                (
                    f"duplicate slug {record.slug!r}"
                    if record.slug_given
                    else "the same title and publication time"
                )
                + f" as line {seen[identity]}",
            )
            continue
        version = (record.translation_key, record.language)
        if record.translation_key and version in versions:
            yield LineError(
                line_number,
                f"line {versions[version]} is already the {record.language!r} "
                f"version of translation_key {record.translation_key!r}",
            )
            continue
        seen[identity] = line_number
        versions[version] = line_number
        yield record


def to_line(statement, body, media=None):
    """One statement as a line of the format; ``body`` includes rendered turns.

    With ``media`` (a ``library.exchange.MediaWriter``), its pictures and
    documents too, their files written where the writer says.
    """
    data = {
        "title": statement.title,
        "published": statement.published_at.isoformat(),
        "kind": statement.kind,
        "speakers": [speaker.name for speaker in statement.ordered_speakers],
        "body": body,
        "slug": statement.slug,
        "tags": [topic.name for topic in statement.topics.all()],
    }
    if statement.location:
        data["location"] = statement.location
    if statement.featured:
        data["featured"] = True
    if statement.lead:
        data["lead"] = statement.lead
    if statement.delivered_on:
        data["delivered"] = statement.delivered_on.isoformat()
    if statement.status != Statement.Status.PUBLISHED:
        data["status"] = statement.status
    data["language"] = statement.language
    data["translation_key"] = statement.translation_key
    if media and statement.gallery:
        data["images"] = [media.image(image) for image in statement.gallery]
    if media and statement.documents:
        data["documents"] = [media.document(doc) for doc in statement.documents]
    return json.dumps(data, ensure_ascii=False)
