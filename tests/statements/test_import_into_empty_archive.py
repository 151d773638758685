"""An import into an empty archive builds the vectors' indexes once, at the end
(PostgreSQL): whatever happens, they are there afterwards and searches use them."""

import contextlib
import io
import json
import threading
import time

import pytest
from django.db import connection

from statements.importing import READING_INDEXES, Importer
from statements.models import Statement, Turn
from statements.search import SEARCH_INDEXES

READ_ONLY = sorted(
    [*SEARCH_INDEXES]
    + [index.name for model in READING_INDEXES for index in model._meta.indexes]
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="full-text search is PostgreSQL's"
    ),
]

TRANSCRIPT = {
    "published": "2021-11-10T18:00:00+00:00",
    "kind": "transcript",
    "speakers": ["Sergey Lavrov"],
    "body": (
        "We met today.\n\nQuestion: And the grain deal?\n\n"
        "Sergey Lavrov: Exports of grain continue."
    ),
}


def lines(count):
    records = [
        {**TRANSCRIPT, "title": f"Transcript {n}", "slug": f"transcript-{n}"}
        for n in range(count)
    ]
    return io.BytesIO("".join(json.dumps(r) + "\n" for r in records).encode())


def read_only_indexes():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE indexname = ANY(%s)", [READ_ONLY]
        )
        return sorted(name for (name,) in cursor.fetchall())


def setting(name):
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return cursor.fetchone()[0]


def test_an_import_into_an_empty_archive_leaves_the_indexes_and_vectors_built(
    client, make_speaker
):
    make_speaker("Sergey Lavrov")

    Importer(batch_size=2).run(lines(5))

    assert read_only_indexes() == READ_ONLY
    assert not Turn.objects.filter(search_vector=None).exists()
    assert setting("synchronous_commit") == "on"
    response = client.get("/statements/?q=exports&speaker=sergey-lavrov")
    assert len(response.context["object_list"]) == 5


def test_an_interrupted_import_still_builds_the_indexes(
    interrupt_on_the_second_batch,
):
    with pytest.raises(KeyboardInterrupt):
        Importer(batch_size=2).run(lines(5))

    assert read_only_indexes() == READ_ONLY
    assert Turn.objects.count() == 4  # the first batch: two transcripts
    assert not Turn.objects.filter(search_vector=None).exists()


def test_an_import_builds_the_indexes_a_killed_import_left_out():
    Importer(batch_size=2).run(lines(1))
    with connection.cursor() as cursor:
        for name in READ_ONLY:
            cursor.execute(f"DROP INDEX {name}")

    Importer(batch_size=2).run(lines(2))

    assert read_only_indexes() == READ_ONLY


def test_the_importing_connection_takes_the_refreshes_left_waiting(monkeypatch):
    from statements import importing

    real_refresh = importing.refresh_statement_vectors
    release, taken = threading.Event(), []

    def refresh(statement_ids):
        if threading.current_thread() is threading.main_thread():
            taken.append(statement_ids)
            release.set()
        else:  # the second connection is slow: it waits for the first to help
            release.wait(timeout=10)
        real_refresh(statement_ids)

    monkeypatch.setattr(importing, "refresh_statement_vectors", refresh)
    Importer(batch_size=2).run(lines(5))

    assert taken
    assert not Turn.objects.filter(search_vector=None).exists()
    assert read_only_indexes() == READ_ONLY


def test_the_statements_vector_index_is_built_beside_the_others(monkeypatch):
    """The largest index, the statements' vectors', is built on the second
    connection while the importing one builds the rest."""
    from statements import importing

    real_build = importing.build_search_indexes
    others_started, built_in_main_thread = threading.Event(), {}

    def build(names):
        for name in names:
            built_in_main_thread[name] = (
                threading.current_thread() is threading.main_thread()
            )
        if importing.LARGEST_INDEX in names:
            assert others_started.wait(timeout=10), "built one after the other"
        else:
            others_started.set()
        real_build(names)

    monkeypatch.setattr(importing, "build_search_indexes", build)
    Importer(batch_size=2).run(lines(3))

    assert built_in_main_thread == {
        "statement_search_idx": False,
        "turn_search_vector_idx": True,
    }
    assert read_only_indexes() == READ_ONLY


def test_new_statements_are_written_as_one_array_per_column():
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from statements.importing import insert_statements

    statements = [
        Statement(
            title=f"Comment {n}", slug=f"comment-{n}", published_at=timezone.now()
        )
        for n in range(3)
    ]
    with CaptureQueriesContext(connection) as queries:
        insert_statements(statements)

    [insert] = [query["sql"] for query in queries.captured_queries]
    assert "UNNEST(" in insert
    stored = Statement.objects.order_by("pk").values_list("pk", "slug", "created_at")
    assert [(pk, slug) for pk, slug, _ in stored] == [
        (statement.pk, statement.slug) for statement in statements
    ]
    assert all(created_at for _, _, created_at in stored)


def sessions_opened_since(started):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_start >= %s",
            [started],
        )
        return cursor.fetchone()[0]


@pytest.mark.parametrize("interrupted", [False, True])
def test_the_imports_own_connections_are_closed_when_it_ends(interrupted, request):
    if interrupted:
        request.getfixturevalue("interrupt_on_the_second_batch")
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        started = cursor.fetchone()[0]

    with contextlib.suppress(KeyboardInterrupt):
        Importer(batch_size=2).run(lines(5))

    # A closed session leaves pg_stat_activity as its process ends.
    for _ in range(50):
        if not sessions_opened_since(started):
            break
        time.sleep(0.1)
    assert sessions_opened_since(started) == 0


def test_the_next_publication_is_found_through_its_index_while_an_import_runs():
    from statements.importing import drop_reading_indexes

    drop_reading_indexes()
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            cursor.execute(
                "EXPLAIN SELECT published_at FROM statements_statement "
                "WHERE status = 'published' AND published_at > now() "
                "ORDER BY published_at LIMIT 1"
            )
            plan = "\n".join(row for (row,) in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_seqscan")
    assert "statement_schedule_idx" in plan
    # The indexes built at the end had more memory, for that session only.
    memory = setting("maintenance_work_mem")
    Importer(batch_size=2).run(lines(1))
    assert read_only_indexes() == READ_ONLY
    assert setting("maintenance_work_mem") == memory
