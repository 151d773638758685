"""Full-text search: PostgreSQL's, with a plain substring match on SQLite.

On PostgreSQL each statement stores a weighted ``search_vector`` (title A,
lead B, body and the transcript's turns C; its language's text search
configuration, ``SEARCH_CONFIGURATIONS``: "санкции" finds "санкций") behind a GIN
index, and so does each turn (the statement's vector is built from theirs), so
"what a speaker said" is searched in their own answers. ``q`` is parsed by
``websearch_to_tsquery``: "quoted phrases", -excluded words and OR work.
The vectors are refreshed by ``refresh_search_vectors`` whenever a statement
or its turns are saved, and by the importer for each batch.
"""

import functools
import re
import time

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import (
    SearchQuery,
    SearchQueryField,
    SearchRank,
)
from django.db import connection
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    Value,
)
from django.db.models.functions import Cast
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe

# For a language PostgreSQL has no configuration for: words as written.
UNSTEMMED = "simple"
# ts_headline marks matches with these; the text is escaped, then they become <mark>.
START, STOP = "\x02", "\x03"
HEADLINE_OPTIONS = (
    f"StartSel={START}, StopSel={STOP}, MaxWords=40, MinWords=20, "
    'MaxFragments=2, FragmentDelimiter=" … "'
)
# How many of the most recent matches a search ranks (see ``search``), and
# for how many words of the query at most (see ``ranked_window``).
RANKED_WINDOW = 1000
RANKED_WORDS = 5
# How many of the most recent statements holding every word a search names
# are checked for the rest of it: phrases (the words' order) and excluded
# words. The GIN index answers "holds these words" exactly; order and absence
# are checked statement by statement, and for common words that would read
# most of the archive (a phrase of them ran into the statement timeout).
CHECKED_WINDOW = 2000
# A phrase's "followed by" in a tsquery's text; lexemes never hold a space.
PHRASE_OPERATOR = re.compile(r" <(?:-|[0-9]+)> ")
# A lexeme in a tsquery's text: quoted, a quote inside doubled.
LEXEME = re.compile(r"'(?:[^']|'')*'")
# Longer texts are indexed by their first part (a tsvector is at most 1 MB).
INDEXED_CHARACTERS = 200_000
# A search whose every word is common (the rarest in at least WALK_SHARE of
# the statements, by PostgreSQL's statistics) finds its most recent matches
# by reading the statements newest first, at most WALK_ROWS of them, and
# checking each one's vector (``newest_by_walking``); otherwise, or when they
# hold too few matches, through the GIN index. The planner, which counts
# words as independent, took twenty common words for rare (the GIN index then
# intersected twenty long lists) and, with a speaker, checked each
# statement's vector before whether the speaker was in it.
WALK_ROWS = 5000
WALK_SHARE = 0.3
# How long a process trusts the statistics it read (``lexeme_shares``).
STATISTICS_SECONDS = 600


def config_for(language):
    """The text search configuration for ``language``'s statements."""
    return settings.SEARCH_CONFIGURATIONS.get(language, UNSTEMMED)


def current_config():
    return config_for(translation.get_language())


def _statement_config():
    """SQL for the configuration of statement ``s``, by its language."""
    cases = " ".join(
        f"WHEN '{code}' THEN '{config_for(code)}'" for code, _name in settings.LANGUAGES
    )
    return f"(CASE s.language {cases} ELSE '{UNSTEMMED}' END)::regconfig"


STATEMENT_CONFIG = _statement_config()
_CONFIG = STATEMENT_CONFIG
# Each turn's text is parsed once, into its own vector (searched for what a
# speaker said); the statement's vector takes its turns' vectors as they are,
# those of the turns that start within its first INDEXED_CHARACTERS.
# ``tsvector_agg`` concatenates vectors in order (migration 0011).
REFRESH_TURNS_SQL = f"""
UPDATE statements_turn AS t
SET search_vector = to_tsvector({_CONFIG}, left(t.text, {INDEXED_CHARACTERS}))
FROM statements_statement AS s
WHERE s.id = t.statement_id AND {{statements}}
"""
REFRESH_STATEMENTS_SQL = f"""
UPDATE statements_statement AS s SET search_vector =
    setweight(to_tsvector({_CONFIG}, left(s.title, 1000)), 'A')
    || setweight(to_tsvector({_CONFIG}, left(s.summary, {INDEXED_CHARACTERS})), 'B')
    || setweight(to_tsvector({_CONFIG}, left(s.body, {INDEXED_CHARACTERS})), 'C')
    || setweight(coalesce((
        SELECT tsvector_agg(t.search_vector ORDER BY t.position, t.id)
        FROM (
            SELECT search_vector, position, id, sum(length(text))
                OVER (ORDER BY position, id) - length(text) AS start
            FROM statements_turn WHERE statement_id = s.id
        ) AS t
        WHERE t.start < {INDEXED_CHARACTERS}
    ), ''), 'C')
WHERE {{statements}}
"""


def full_text_search_available():
    return connection.vendor == "postgresql"


def _refresh(statements, params=()):
    """Parse the turns, then build the statements' vectors from theirs."""
    with connection.cursor() as cursor:
        cursor.execute(REFRESH_TURNS_SQL.format(statements=statements), params)
        cursor.execute(REFRESH_STATEMENTS_SQL.format(statements=statements), params)


# The vectors' GIN indexes (migrations 0003 and 0011), as they are built.
SEARCH_INDEXES = {
    "statement_search_idx": "statements_statement",
    "turn_search_vector_idx": "statements_turn",
}


def drop_search_indexes():
    """Drop the vectors' GIN indexes, to load an empty archive without them.

    Kept up to date row by row, they cost the load more than building them
    once after it (``build_search_indexes``).
    """
    with connection.cursor() as cursor:
        for name in SEARCH_INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


def build_search_indexes(names=tuple(SEARCH_INDEXES)):
    """Build those of the vectors' GIN indexes (of ``names``) that are missing."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE indexname = ANY(%s)",
            [list(names)],
        )
        existing = {name for (name,) in cursor.fetchall()}
        for name in names:
            if name not in existing:
                table = SEARCH_INDEXES[name]
                cursor.execute(
                    f"CREATE INDEX {name} ON {table} USING gin (search_vector)"
                )


def refresh_search_vectors(statement_ids):
    if full_text_search_available() and statement_ids:
        _refresh("s.id = ANY(%s)", [list(statement_ids)])


def refresh_statement_vectors(statement_ids):
    """The statements' vectors alone, from their turns' stored vectors."""
    if full_text_search_available() and statement_ids:
        sql = REFRESH_STATEMENTS_SQL.format(statements="s.id = ANY(%s)")
        with connection.cursor() as cursor:
            cursor.execute(sql, [list(statement_ids)])


def refresh_missing_search_vectors():
    if full_text_search_available():
        _refresh("s.search_vector IS NULL")


def nothing_to_look_for(words):
    """True when ``words`` name nothing a match must contain.

    Excluded words alone (``-zzz``, ``a OR -b``), with or without very common
    words the search ignores, would match nearly every statement, and the
    indexes cannot narrow them: each such search would read every vector and,
    with a speaker, parse all their turns. On PostgreSQL ``querytree`` says
    what the index can look up ("T": nothing); on SQLite, where ``-`` has no
    meaning, the same rule is kept so both answer alike.
    """
    if not full_text_search_available():
        return all(word.startswith("-") for word in words.split())
    tree, _whole = parsed_query(current_config(), words)
    return tree == "T"


def indexed_words(words):
    """The part of ``words`` the GIN index answers exactly, or None if all of it.

    That is the query without its excluded words (``querytree``) and with its
    phrases as plain "all these words": every match of ``words`` matches it.
    """
    tree, whole = parsed_query(current_config(), words)
    indexed = PHRASE_OPERATOR.sub(" & ", tree)
    return None if indexed == whole else indexed


@functools.lru_cache(maxsize=256)
def parsed_query(config, words):
    """``(querytree, query)`` of ``words`` as text, as PostgreSQL parses them.

    The form's check and the search both ask; a request asks the database
    once, and a search sent again (a crawler's, another page of it) not at all.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT querytree(q)::text, q::text "
            "FROM websearch_to_tsquery(%s::regconfig, %s) AS q",
            [config, words],
        )
        return cursor.fetchone()


def lexeme_shares():
    """{lexeme: share of statements holding it}, PostgreSQL's most common ones.

    From the statistics ANALYZE keeps (``pg_stats``), read again every
    STATISTICS_SECONDS; empty before the table was ever analysed.
    """
    return _lexeme_shares(int(time.monotonic() // STATISTICS_SECONDS))


@functools.lru_cache(maxsize=1)
def _lexeme_shares(_period):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs "
            "FROM pg_stats WHERE schemaname = current_schema() "
            "AND tablename = 'statements_statement' AND attname = 'search_vector'"
        )
        row = cursor.fetchone()
    if row is None or row[0] is None:
        return {}
    lexemes, shares = row
    # The shares end with three more numbers (their minimum, maximum, and
    # the share of empty vectors): zip stops at the last lexeme.
    return dict(zip(lexemes, shares, strict=False))


def rarest_share(tree):
    """The share of statements holding the rarest of the words ``tree`` needs.

    ``tree`` is a tsquery's text without alternatives (``|``): every match
    holds all its words. 0 when a word is not among the most common, or when
    the query has alternatives.
    """
    if "|" in LEXEME.sub("", tree):
        return 0.0
    words = [lexeme[1:-1].replace("''", "'") for lexeme in LEXEME.findall(tree)]
    if not words:
        return 0.0
    shares = lexeme_shares()
    return min(shares.get(word, 0.0) for word in words)


def newest_by_walking(statements, limit, condition, params, speaker=None):
    """Keys of the ``limit`` newest of ``statements`` meeting ``condition``.

    Reads at most WALK_ROWS of ``statements``, newest first, and checks
    ``condition`` (SQL on ``w``: its ``pk`` and ``search_vector``) for each;
    stops at the ``limit``-th match. None if those rows hold fewer matches:
    the caller then asks the GIN index. The rows are read first, the
    condition checked after: the planner then checks no vector of a row the
    other filters (a speaker's) leave out. With ``speaker`` (``statements``
    are theirs, joined through their links), the rows are read newest first
    from the speaker's links (their dates, migration 0012).
    """
    # As the index reads them: a statement's date is never empty, a link's
    # may be (before the triggers fill it), and is then read last.
    walked_at, nulls = F("published_at"), ""
    if speaker is not None:
        walked_at, nulls = F("statement_speakers__published_at"), " NULLS LAST"
    rows = (
        statements.annotate(walked_at=walked_at)
        .order_by(F("walked_at").desc(nulls_last=bool(nulls) or None), "-id")
        .values("pk", "walked_at", "search_vector")[:WALK_ROWS]
    )
    rows_sql, rows_params = rows.query.sql_with_params()
    sql = (
        f"SELECT w.pk FROM ({rows_sql}) AS w WHERE {condition} "
        f"ORDER BY w.walked_at DESC{nulls}, w.pk DESC LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*rows_params, *params, limit])
        keys = [pk for (pk,) in cursor.fetchall()]
    return keys if len(keys) == limit else None


def ranked_window(words):
    """How many of the most recent matches of ``words`` are ranked.

    Ranking reads each candidate's vector once for each word of the query:
    a query of more than RANKED_WORDS words ranks fewer candidates, so that
    it costs what RANKED_WINDOW candidates cost for RANKED_WORDS words (the
    page says how many were ranked).
    """
    tree, _whole = parsed_query(current_config(), words)
    count = len(LEXEME.findall(tree))
    if count <= RANKED_WORDS:
        return RANKED_WINDOW
    return max(RANKED_WINDOW * RANKED_WORDS // count, 1)


class Among(Func):
    """Whether a row's key is one of ``keys``, given as one array.

    ``pk__in`` makes each key a parameter of its own, and Django prepares
    each one again at every compilation: for a search's 1,000 to 2,000
    candidates, in the three queries of its page, that cost 4 ms of CPU.
    """

    arg_joiner = " = ANY("
    template = "(%(expressions)s))"
    output_field = BooleanField()

    def __init__(self, keys):
        array = Value(list(keys), output_field=ArrayField(BigIntegerField()))
        super().__init__(F("pk"), array)


class Matches(Func):
    """``vector @@ query`` for a tsquery given as text (already normalised)."""

    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = BooleanField()

    def __init__(self, vector, query_text):
        super().__init__(vector, Cast(Value(query_text), SearchQueryField()))


def search_query(words):
    """``words`` as a query in the page's language."""
    return SearchQuery(words, search_type="websearch", config=current_config())


def turn_matches(words, speaker=None, indexed=None):
    """Turns whose text matches; by ``speaker`` if given.

    With ``indexed`` (see ``indexed_words``), turns holding those words:
    what the index answers alone, without parsing each turn's text again.
    """
    from .models import Turn

    turns = Turn.objects.all()
    if speaker is not None:
        turns = turns.filter(speaker=speaker)
    if not full_text_search_available():
        for word in words.split():
            turns = turns.filter(text__icontains=word)
        return turns
    if indexed is not None:
        return turns.filter(Matches(F("search_vector"), indexed))
    return turns.filter(search_vector=search_query(words))


def search(statements, words, speaker=None):
    """Statements matching ``words``, best first; with a speaker, in their words.

    With a speaker, a transcript matches when one of the speaker's own answers
    matches (``matching_turn`` is the first such answer); a statement without
    turns matches on its own text.

    On PostgreSQL the RANKED_WINDOW most recent matches are ranked (fewer for
    a long query: ``ranked_window``): ranking reads every candidate's vector,
    and a word found in most of the archive would otherwise make each search
    read most of it. A phrase or an excluded
    word is looked for among the CHECKED_WINDOW most recent statements that
    hold the words. Returns the statements, whether there were more matches
    than were ranked, and CHECKED_WINDOW if that window left statements out
    (else None).
    """
    if not full_text_search_available():
        return substring_search(statements, words, speaker), False, None
    query = search_query(words)
    indexed = indexed_words(words)
    _tree, whole = parsed_query(current_config(), words)
    # Common words are found by reading the statements newest first.
    walk = rarest_share(indexed or whole) >= WALK_SHARE
    # A speaker's answers are checked for the words (the statement for their
    # order): checking each answer's phrases would parse each answer again.
    said = None if speaker is None else turn_matches(words, speaker, indexed)
    checked, window_full = statements, False
    if indexed is not None:
        window = None
        if walk:
            window = newest_by_walking(
                statements,
                CHECKED_WINDOW + 1,
                "w.search_vector @@ %s::tsquery",
                [indexed],
                speaker,
            )
        if window is None:
            window = list(
                statements.filter(Matches(F("search_vector"), indexed))
                .order_by("-published_at", "-id")
                .values_list("pk", flat=True)[: CHECKED_WINDOW + 1]
            )
        window_full = len(window) > CHECKED_WINDOW
        checked = statements.filter(Among(window[:CHECKED_WINDOW]))
    # Each statement's vector holds its turns too, so the GIN index narrows
    # every search, a speaker's included.
    matches = checked.filter(search_vector=query)
    if said is not None:
        matches = matches.filter(
            Q(pk__in=said.values("statement_id")) | ~Exists(any_turn())
        )
    window = ranked_window(words)
    recent = None
    # With a speaker, a transcript matches when one answer of theirs holds
    # every word: rarely so for a long query, whose matches are then too few
    # among their recent statements for a walk to find them.
    if speaker is not None and len(LEXEME.findall(whole)) > RANKED_WORDS:
        walk = False
    if walk and indexed is None:
        condition, params = "w.search_vector @@ %s::tsquery", [whole]
        if speaker is not None:
            condition += f" AND {SPEAKER_SAID}"
            params += [speaker.pk, whole]
        recent = newest_by_walking(statements, window, condition, params, speaker)
    if recent is None:
        recent = list(
            matches.order_by("-published_at", "-id").values_list("pk", flat=True)[
                :window
            ]
        )
    ranked = statements.filter(Among(recent)).annotate(
        rank=SearchRank(F("search_vector"), query)
    )
    if said is not None:
        ranked = ranked.annotate(matching_turn=first_position(said))
    capped = len(recent) == window
    return (
        ranked.order_by("-rank", "-published_at", "-id"),
        capped,
        CHECKED_WINDOW if window_full else None,
    )


# With a speaker, a statement matches when one of their answers holds the
# words, or when it has no turns (``w`` is the statement).
SPEAKER_SAID = """(
    EXISTS (
        SELECT 1 FROM statements_turn t WHERE t.statement_id = w.pk
        AND t.speaker_id = %s AND t.search_vector @@ %s::tsquery
    ) OR NOT EXISTS (SELECT 1 FROM statements_turn t WHERE t.statement_id = w.pk)
)"""


def substring_search(statements, words, speaker=None):
    """SQLite's stand-in: every word somewhere in the text, newest first."""
    own_text = Q()
    for word in words.split():
        own_text &= Q(title__icontains=word) | Q(body__icontains=word)
    if speaker is None:
        return statements.filter(own_text | Exists(in_statement(turn_matches(words))))
    said = turn_matches(words, speaker)
    return statements.filter(
        Exists(in_statement(said)) | own_text & ~Exists(any_turn())
    ).annotate(matching_turn=first_position(said))


def in_statement(turns):
    """``turns`` narrowed to those of the outer query's statement."""
    return turns.filter(statement=OuterRef("pk"))


def any_turn():
    from .models import Turn

    return in_statement(Turn.objects.all())


def first_position(turns):
    return in_statement(turns).order_by("position").values("position")[:1]


def attach_snippets(statements, words, speaker=None):
    """Set ``snippet``, the matching passage with the words marked, on each one.

    One query for the page's statements; none on SQLite. With a speaker, the
    passage comes from their own answers. ``ts_headline`` parses all the text
    it is given, so it is given the first turn holding all the words when
    there is one (with a speaker, the first of their answers holding them);
    else, as no passage can hold them together, the body and every turn
    (the speaker's answers, else the body). A query of more than RANKED_WORDS
    words marks passages holding most of them (its words joined by OR):
    looking for passages holding twenty words at once cost ``ts_headline``
    three times as much, to find none.
    """
    if not full_text_search_available() or not statements:
        return
    turns = "FROM statements_turn t WHERE t.statement_id = s.id"
    holding = f"SELECT t.text {turns} AND t.search_vector @@ q"
    every = f"SELECT string_agg(t.text, ' ' ORDER BY t.position) {turns}"
    first = "ORDER BY t.position LIMIT 1"
    if speaker is None:
        text = (
            f"coalesce(({holding} {first}), s.body || ' ' || coalesce(({every}), ''))"
        )
        params = []
    else:
        by = "AND t.speaker_id = %s"
        text = f"coalesce(({holding} {by} {first}), ({every} {by}), s.body)"
        params = [speaker.pk, speaker.pk]
    marked, marked_params = "q", []
    tree, _whole = parsed_query(current_config(), words)
    lexemes = LEXEME.findall(tree)
    if len(lexemes) > RANKED_WORDS:
        marked, marked_params = "%s::tsquery", [" | ".join(lexemes)]
    sql = f"""
        SELECT s.id, ts_headline(
            {STATEMENT_CONFIG}, left({text}, {INDEXED_CHARACTERS}), {marked}, %s
        )
        FROM statements_statement s,
            websearch_to_tsquery({STATEMENT_CONFIG}, %s) AS q
        WHERE s.id = ANY(%s)
    """
    ids = [statement.pk for statement in statements]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *marked_params, HEADLINE_OPTIONS, words, ids])
        headlines = dict(cursor.fetchall())
    for statement in statements:
        statement.snippet = highlight(headlines.get(statement.pk, ""))


def highlight(headline):
    if START not in headline:
        return None
    marked = escape(headline).replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(marked)
