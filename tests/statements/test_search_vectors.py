"""Stored search vectors (PostgreSQL): each turn's text parsed once, in its
statement's language, and the statement's vector built from its turns'."""

import io
import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone, translation

from statements.importing import Importer
from statements.models import Statement, Turn
from statements.search import refresh_search_vectors, turn_matches

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="full-text search is PostgreSQL's"
    ),
]


def lexemes(vector):
    return {entry.split(":")[0].strip("'") for entry in vector.split()}


@pytest.fixture
def transcript(make_statement, make_speaker):
    lavrov = make_speaker("Sergey Lavrov")
    statement = make_statement(
        title="Ответы на вопросы",
        language="ru",
        kind=Statement.Kind.TRANSCRIPT,
        body="Вступительное слово.",
        speakers=[lavrov],
    )
    Turn.objects.create(
        statement=statement, position=1, role="question", label="Вопрос", text="А?"
    )
    Turn.objects.create(
        statement=statement,
        position=2,
        role="answer",
        label="С.В.Лавров",
        speaker=lavrov,
        text="Мы говорили о санкциях.",
    )
    return statement


def test_a_turns_vector_is_stored_in_its_statements_language(transcript):
    answer = transcript.turns.get(position=2)
    answer.refresh_from_db()
    transcript.refresh_from_db()

    # The Russian stemmer's "санкц", not the word as written.
    assert "санкц" in lexemes(answer.search_vector)
    assert "санкц" in lexemes(transcript.search_vector)
    assert "вступительн" in lexemes(transcript.search_vector)


def test_a_turns_vector_follows_its_edits_and_its_statements_language(transcript):
    answer = transcript.turns.get(position=2)
    answer.text = "Переговоры продолжатся."
    answer.save()
    transcript.language = "en"
    transcript.save()

    answer.refresh_from_db()
    transcript.refresh_from_db()
    # Parsed again, now by the English configuration: Cyrillic words as written.
    assert lexemes(answer.search_vector) == {"переговоры", "продолжатся"}
    assert "санкц" not in lexemes(transcript.search_vector)
    assert "переговоры" in lexemes(transcript.search_vector)


def test_turns_are_searched_through_the_index_of_their_vectors(transcript):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    with translation.override("ru"):
        said = turn_matches("санкции", transcript.speakers.get())
        turns = turn_matches("санкции").order_by()
        found, plan = list(said), turns.explain()

    assert found == [transcript.turns.get(position=2)]
    assert "turn_search_vector_idx" in plan


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_vectors_of_turns_already_stored():
    executor = MigrationExecutor(connection)
    before = [("statements", "0010_language_in_indexes")]
    after = executor.loader.graph.leaf_nodes("statements")
    executor.migrate(before)
    try:
        apps = executor.loader.project_state(before).apps
        statement = apps.get_model("statements", "Statement").objects.create(
            title="Брифинг",
            slug="brifing",
            language="ru",
            body="Текст.",
            published_at=timezone.now(),
        )
        apps.get_model("statements", "Turn").objects.create(
            statement=statement, role="answer", label="Ответ", text="О санкциях."
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(after)

    turn = Turn.objects.get()
    assert lexemes(turn.search_vector) == {"санкц"}


def test_imported_turns_get_the_vectors_a_refresh_gives_them():
    """The importer parses each turn as it writes it, in its statement's
    language; a refresh of the imported statements changes nothing."""
    body = (
        "{opening}\n\nQuestion: {question}\n\nSergey Lavrov: {answer}\n\n"
        "Question: {question}\n\nSergey Lavrov: {answer}"
    )
    lines = [
        {
            "title": "Ответы на вопросы",
            "slug": "ru-transcript",
            "language": "ru",
            "kind": "transcript",
            "speakers": ["Sergey Lavrov"],
            "published": "2021-11-10T18:00:00+00:00",
            "body": body.format(
                opening="Вступительное слово.",
                question="А санкции?",
                answer="Мы говорили о санкциях.",
            ),
        },
        {
            "title": "Answers to questions",
            "slug": "en-transcript",
            "kind": "briefing",
            "published": "2021-11-11T18:00:00+00:00",
            "body": body.format(
                opening="Opening remarks.",
                question="And the grain deal?",
                answer="Exports of grain continue.",
            ),
        },
    ]
    stream = io.BytesIO("".join(json.dumps(line) + "\n" for line in lines).encode())
    Importer(create_speakers=True).run(stream)

    def vectors():
        return {
            "turns": list(
                Turn.objects.order_by("pk").values_list("pk", "search_vector")
            ),
            "statements": list(
                Statement.objects.order_by("pk").values_list("pk", "search_vector")
            ),
        }

    imported = vectors()
    refresh_search_vectors(Statement.objects.values_list("pk", flat=True))

    assert Turn.objects.count() == 8
    answer = Turn.objects.filter(statement__language="ru", role="answer").first()
    assert "санкц" in lexemes(answer.search_vector)
    assert imported == vectors()
