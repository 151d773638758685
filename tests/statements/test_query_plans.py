"""The lists' queries narrow by language inside their indexes (PostgreSQL).

A tiny test table makes any plan cheap, so sequential and bitmap scans are
switched off: what is left shows whether an index holds each condition or
the table must be read to check it ("Filter").
"""

import pytest
from django.db import connection

from statements.models import Statement

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's planner"
)


def plan(queryset):
    with connection.cursor() as cursor:
        # Statistics of the test's own rows, not those an earlier test's
        # import left (the planner weighs the indexes by them).
        cursor.execute("ANALYZE statements_statement")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
    return queryset.explain()


@pytest.mark.parametrize(
    "narrowed",
    [
        lambda statements: statements,
        lambda statements: statements.filter(kind=Statement.Kind.COMMENT),
    ],
    ids=["all", "by kind"],
)
def test_a_deep_page_of_a_languages_list_reads_no_row_to_check_its_language(
    make_statement, narrowed
):
    for number in range(30):
        make_statement(language="ru" if number % 3 else "en")
    page = narrowed(Statement.objects.published().in_language("en")).values_list(
        "pk", flat=True
    )[20:41]

    text = plan(page)

    assert "Index Cond" in text and "language" in text.split("Index Cond")[1]
    assert "Filter" not in text, text
