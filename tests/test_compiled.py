"""A queryset compiled once gives, at each run, what Django's would give."""

import datetime
import re
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from counters.models import TrackedIncident
from embassy.compiled import CompiledQuery
from statements.models import Statement, Topic


def published_in(now, language, ids):
    return (
        Statement.objects.published(now)
        .in_language(language)
        .filter(pk__in=ids)
        .order_by("pk")
    )


PUBLISHED_IN = CompiledQuery(
    published_in, now=datetime.datetime, language=str, ids=[int] * 5
)


@pytest.fixture
def statements(make_statement):
    hour = datetime.timedelta(hours=1)
    now = timezone.now()
    return [
        make_statement(published_at=now - hour),
        make_statement(published_at=now + hour),
        make_statement(published_at=now - hour, language="ru"),
        make_statement(published_at=now - 3 * hour),
    ]


def test_each_run_gives_what_the_orm_gives_for_its_values(statements):
    ids = [statement.pk for statement in statements]
    now = timezone.now()
    for values in [
        {"now": now, "language": "en", "ids": ids},
        {"now": now + datetime.timedelta(hours=2), "language": "en", "ids": ids},
        {"now": now, "language": "ru", "ids": ids},
        {"now": now, "language": "en", "ids": ids[2:]},
        {"now": now, "language": "en", "ids": []},
    ]:
        compiled = PUBLISHED_IN(**values)
        assert compiled == list(published_in(**values)), values
        # Instances as Django makes them: every field, converted as read.
        for made, read in zip(compiled, published_in(**values), strict=True):
            assert made.__dict__.keys() == read.__dict__.keys()
            assert (made.published_at, made.title) == (read.published_at, read.title)
            assert made.published_at.tzinfo is not None


def test_a_run_is_one_query_and_reads_related_rows_and_annotations(db):
    from django.db.models import F

    topic = Topic.objects.create(name="Salisbury")
    TrackedIncident.objects.create(
        title="Salisbury",
        happened_on=datetime.date(2018, 3, 4),
        sentence="{day has|days have} passed",
        topic=topic,
    )
    incidents = CompiledQuery(
        lambda: TrackedIncident.objects.select_related("topic").annotate(
            topic_name=F("topic__name")
        )
    )
    # (On PostgreSQL a connection prepares a query on its second run.)
    incidents()
    incidents()

    with CaptureQueriesContext(connection) as queries:
        (incident,) = incidents()
        assert incident.topic == topic and incident.topic.name == "Salisbury"
        assert incident.topic_name == "Salisbury"
    assert len(queries) == 1


def test_a_list_longer_than_compiled_for_is_refused(db):
    with pytest.raises(ValueError, match="ids: at most 5"):
        PUBLISHED_IN(now=timezone.now(), language="en", ids=list(range(6)))


def test_a_value_the_query_does_not_use_is_a_mistake_said_at_once(db):
    unused = CompiledQuery(lambda now: Statement.objects.all(), now=datetime.datetime)

    with pytest.raises(ValueError, match="not built with now"):
        unused(now=timezone.now())


@pytest.mark.django_db(transaction=True)
def test_another_thread_runs_it_on_its_own_connection(make_statement):
    statement = make_statement()
    values = {"now": timezone.now(), "language": "en", "ids": [statement.pk]}
    assert PUBLISHED_IN(**values) == [statement]
    found = []

    def run():
        try:
            found.extend(PUBLISHED_IN(**values))
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()

    assert found == [statement]


on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's prepared statements"
)


def prepared_statements():
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name for (name,) in cursor.fetchall()}


def statements_run(queries):
    """(PREPARE or EXECUTE, its name), or the SQL's first word, for each query."""
    return [
        tuple(re.match(r"(PREPARE|EXECUTE) (\w+)|(\w+)", query["sql"]).groups(""))
        for query in queries
    ]


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_connection_prepares_a_query_it_runs_twice(make_statement):
    statement = make_statement()
    values = {"now": timezone.now(), "language": "en", "ids": [statement.pk]}

    for _connection in range(2):
        # A new connection (after a restart, say) has nothing prepared.
        connection.close()
        with CaptureQueriesContext(connection) as queries:
            assert PUBLISHED_IN(**values) == [statement]
            assert PUBLISHED_IN(**values) == [statement]
            assert PUBLISHED_IN(**{**values, "language": "ru"}) == []
        (name,) = prepared_statements()
        assert statements_run(queries) == [
            ("", "", "SELECT"),
            ("PREPARE", name, ""),
            ("EXECUTE", name, ""),
            ("EXECUTE", name, ""),
        ]


@on_postgresql
def test_a_query_postgresql_cannot_prepare_runs_as_it_is(make_statement):
    """A value given at each run is typed where the query is prepared: here a
    text compared with a date, which PostgreSQL refuses (a literal passes)."""
    from django.db.models.expressions import RawSQL

    statement = make_statement()
    on_day = CompiledQuery(
        lambda day: Statement.objects.filter(
            pk__in=RawSQL(
                "SELECT id FROM statements_statement WHERE published_at::date = %s",
                (day,),
            )
        ),
        day=str,
    )
    day = timezone.localdate(statement.published_at, datetime.UTC).isoformat()

    with CaptureQueriesContext(connection) as queries:
        for _run in range(3):
            assert on_day(day=day) == [statement]
    # It is tried once, in a savepoint: the test's transaction goes on.
    assert [run[0] or run[2] for run in statements_run(queries)] == [
        "SELECT",
        "SAVEPOINT",
        "PREPARE",
        "ROLLBACK",
        "RELEASE",
        "SELECT",
        "SELECT",
    ]
    assert Statement.objects.count() == 1


@on_postgresql
def test_a_statement_pages_neighbour_starts_at_its_date_in_a_plan_made_without_it(
    make_statement,
):
    """A prepared statement may run a generic plan, made without the values.

    The newest statement's newer neighbour was an index scan filtering every
    other statement (55 ms on the 100k archive), until the date's bound
    stood alone, where the index can start from it.
    """
    from statements.views import NEWER

    start = timezone.now() - datetime.timedelta(days=40)
    statements = [
        make_statement(published_at=start + datetime.timedelta(days=day))
        for day in range(30)
    ]
    newest = statements[-1]
    here = {"now": timezone.now(), "at": newest.published_at, "key": newest.pk}
    with connection.cursor() as cursor:
        cursor.execute("SET plan_cache_mode = force_generic_plan")
        cursor.execute("SET enable_seqscan = off")  # as on a large table
        try:
            with CaptureQueriesContext(connection) as queries:
                assert NEWER(**here) == NEWER(**here) == []
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {queries[-1]['sql']}")
            (plan,) = cursor.fetchone()[0]
        finally:
            cursor.execute("RESET plan_cache_mode")
            cursor.execute("RESET enable_seqscan")

    assert queries[-1]["sql"].startswith("EXECUTE ")
    # The newest itself, where the scan starts; not the 29 others.
    assert rows_read(plan["Plan"]) == 1


def rows_read(node):
    """The rows a plan's scans read: those they returned and those they dropped."""
    own = 0
    if "Scan" in node["Node Type"]:
        own = node["Actual Rows"] + node.get("Rows Removed by Filter", 0)
    return own + sum(rows_read(child) for child in node.get("Plans", []))


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_after_postgresql_drops_the_connection_the_next_request_prepares_again(
    make_statement,
):
    """As after a restart of PostgreSQL: Django's check at the next request
    finds the connection gone and opens another, which has nothing prepared."""
    from django.db import close_old_connections, connections

    statement = make_statement()
    values = {"now": timezone.now(), "language": "en", "ids": [statement.pk]}
    assert PUBLISHED_IN(**values) == PUBLISHED_IN(**values) == [statement]
    (name,) = {name for name in prepared_statements() if name.startswith("compiled")}
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (backend,) = cursor.fetchone()
    other = connections.create_connection("default")
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [backend])
    other.close()

    close_old_connections()  # what each request starts with
    for _run in range(2):
        assert PUBLISHED_IN(**values) == [statement]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != backend
    assert name in prepared_statements()
