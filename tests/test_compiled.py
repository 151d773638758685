"""A queryset compiled once gives, at each run, what Django's would give."""

import datetime
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
