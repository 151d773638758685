"""Querysets built and compiled by Django once per process, run with new values.

Django builds a queryset's SQL again on every run: for the queries every
public page runs in the same shape (the site's identity, the header, the
filters' choices, a page's rows), that took more of a page's CPU than running
them. A ``CompiledQuery`` keeps the SQL Django wrote and the compiler that
reads its rows, and runs it with each call's values; Django's own code turns
the rows into instances. Only the SQL is kept: every run reads the database.

The SQL is kept per database and language: modeltranslation writes a
translated model's default ordering (a speaker's or topic's name) in the
language active when the queryset is made.

On PostgreSQL each query is also prepared (``PREPARE``) on each connection
that runs it, and run by name (``EXECUTE``): PostgreSQL then parses it once
a connection, and plans it once too when a plan made without the values
proves as good as those made for them. Parsing and planning took a quarter
of PostgreSQL's CPU for a list page (bench/README.md). It needs a
connection of the site's own, not one a pooler in transaction mode shares.
"""

import copy
import datetime
import itertools
import re
import weakref
from contextlib import nullcontext
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, ProgrammingError, connections, transaction
from django.utils import translation

# Where the query is built, each value to be given at each run is a marker:
# a value of the right type that no real query uses, found again in the
# compiled parameters.
_MARKERS = {
    datetime.datetime: lambda n: datetime.datetime(
        1, 1, 1, 0, 0, 0, 123_457 + n, tzinfo=datetime.UTC
    ),
    str: lambda n: f"\x00compiled-query-marker-{n}\x00",
    int: lambda n: -(2**40) - n,
}


@dataclass
class _Compiled:
    queryset: object
    compiler: object
    sql: str
    params: tuple
    # Parameter index -> (value name, index in a list value or None).
    slots: dict
    prepared: "_Prepared | None"


class CompiledQuery:
    """``build(**markers)``'s queryset, compiled once per database and
    language, run with the values of each call.

    ``values`` names each value and gives its type: ``datetime.datetime``,
    ``str`` or ``int``, or a list of one type (``[int] * 20``) for a list of
    at most that many values (``pk__in``), padded with NULL at each run.
    """

    def __init__(self, build, **values):
        self.build = build
        counter = iter(range(1_000))
        self.markers = {
            name: (
                [_MARKERS[kind](next(counter)) for kind in spec]
                if isinstance(spec, list)
                else _MARKERS[spec](next(counter))
            )
            for name, spec in values.items()
        }
        self._compiled = {}

    def __call__(self, using=DEFAULT_DB_ALIAS, **values):
        """The rows for ``values``, as the queryset built would give them."""
        key = (using, translation.get_language())
        compiled = self._compiled.get(key) or self._compile(using, key)
        connection = connections[using]
        params = list(compiled.params)
        for position, (name, index) in compiled.slots.items():
            value = values[name]
            if index is not None:
                if len(value) > len(self.markers[name]):
                    raise ValueError(f"{name}: at most {len(self.markers[name])}")
                value = value[index] if index < len(value) else None
            params[position] = _adapted(connection, value)
        # Django's own iterable runs the query, through a copy of the compiler
        # kept (which knows how to make the rows into what the queryset
        # gives), on this thread's connection, with the SQL kept.
        sql = compiled.sql
        if compiled.prepared is not None and compiled.prepared.ready(connection):
            sql = compiled.prepared.execute
            params = [params[position] for position in compiled.prepared.given]
        compiler = copy.copy(compiled.compiler)
        compiler.connection = connection
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        queryset = compiled.queryset._chain()
        queryset.query.get_compiler = lambda *args, **kwargs: compiler
        return list(queryset)

    def _compile(self, using, key):
        queryset = self.build(**self.markers).using(using)
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        connection = connections[using]
        slots = {}
        for name, marker in self.markers.items():
            listed = isinstance(marker, list)
            for index, item in enumerate(marker if listed else [marker]):
                wanted = _adapted(connection, item)
                found = [
                    position
                    for position, param in enumerate(params)
                    if type(param) is type(wanted) and param == wanted
                ]
                if not found:
                    raise ValueError(f"the query was not built with {name}")
                slots.update(
                    (position, (name, index if listed else None)) for position in found
                )
        prepared = None
        if connection.vendor == "postgresql":
            prepared = _Prepared(sql, params, slots)
        compiled = _Compiled(queryset, compiler, sql, tuple(params), slots, prepared)
        self._compiled[key] = compiled
        return compiled


def _adapted(connection, value):
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


# PostgreSQL's type for a value of each Python type given at each run.
_POSTGRESQL_TYPES = {
    int: "bigint",
    str: "text",
    datetime.datetime: "timestamp with time zone",
}
_PLACEHOLDER = re.compile("%([%s])")


class _Prepared:
    """A query prepared on each PostgreSQL connection that runs it.

    Its parameters are the values given at each run; the query's other
    values are written into it. A prepared statement may run a generic plan,
    made without its parameters: with every other value known (the language
    of a list's choices, a status), that plan is the one those values would
    give. (With the language a parameter, the Russian list's choices took
    90 and 230 ms instead of 0.6.)
    """

    _numbers = itertools.count()

    def __init__(self, sql, params, slots):
        self.name = f"compiled_query_{next(self._numbers)}"
        # The positions of the values given at each run, in their order.
        self.given = given = sorted(slots)
        numbers = {position: number for number, position in enumerate(given, 1)}
        positions = itertools.count()

        def placeholder(match):
            if match[1] == "%":
                return "%%"
            position = next(positions)
            return f"${numbers[position]}" if position in numbers else "%s"

        # The SQL with the given values as $1, $2..., the others to write in.
        self.template = _PLACEHOLDER.sub(placeholder, sql)
        self.written = [
            param for position, param in enumerate(params) if position not in numbers
        ]
        self.signature, self.execute = "", f"EXECUTE {self.name}"
        if given:
            types = (_POSTGRESQL_TYPES[type(params[position])] for position in given)
            self.signature = f" ({', '.join(types)})"
            self.execute += f"({', '.join(['%s'] * len(given))})"
        # The connections (psycopg2's own) that ran it once, and those it is
        # prepared on. It is prepared on a connection's second run, as
        # psycopg 3 prepares a query run often: a connection used for one
        # request (a test's live server, a deployment without persistent
        # connections) would pay for preparing and gain nothing. A new
        # connection, after a restart or a lost connection, prepares it again.
        self.ran_once = weakref.WeakSet()
        self.prepared_on = weakref.WeakSet()
        self.usable = True

    def ready(self, connection):
        """Whether to run it by name on ``connection`` (prepared, if need be)."""
        # The connection the query will run on: Django checks at a request's
        # first query that it still works, and opens another if not (after
        # a restart of PostgreSQL), which has nothing prepared.
        connection.close_if_health_check_failed()
        connection.ensure_connection()
        raw = connection.connection
        if raw in self.prepared_on:
            return True
        if raw not in self.ran_once or not self.usable:
            self.ran_once.add(raw)
            return False
        try:
            # A prepared statement outlives a transaction rolled back; a failed
            # PREPARE must not abort the transaction it is in.
            inside = connection.in_atomic_block
            with (
                transaction.atomic(connection.alias) if inside else nullcontext(),
                connection.cursor() as cursor,
            ):
                prepare = f"PREPARE {self.name}{self.signature} AS {self.template}"
                cursor.execute(cursor.mogrify(prepare, self.written).decode())
        except ProgrammingError:
            self.usable = False
            return False
        self.prepared_on.add(raw)
        return True
