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
"""

import copy
import datetime
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections
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
        compiler = copy.copy(compiled.compiler)
        compiler.connection = connection
        compiler.as_sql = lambda *args, **kwargs: (compiled.sql, params)
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
        compiled = _Compiled(queryset, compiler, sql, tuple(params), slots)
        self._compiled[key] = compiled
        return compiled


def _adapted(connection, value):
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value
