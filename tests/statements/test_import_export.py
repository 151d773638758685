import io
import json
import threading
import time

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from statements.importing import Importer
from statements.models import Speaker, Statement, Topic, Turn

from .test_admin import change_url, edit, loaded_version

pytestmark = pytest.mark.django_db

TRANSCRIPT = {
    "title": "Remarks and answers to media questions",
    "published": "2021-11-10T18:00:00+00:00",
    "kind": "transcript",
    "speakers": ["Sergey Lavrov", "Vladimir Makei"],
    "location": "Moscow",
    "body": (
        "Ladies and gentlemen,\n\nWe met today.\n\n"
        "Question (to both ministers): Does Minsk need mediation?\n\n"
        "Sergey Lavrov (answers after Vladimir Makei): Nobody asked us.\n\n"
        "They simply enjoy being tough.\n\n"
        "Question: And the report?\n\nMR LAVROV: It is outrageous."
    ),
    "tags": ["Belarus", "Migration"],
    "featured": True,
}
COMMENT = {
    "title": "Embassy comment on a public inquiry",
    "published": "2021-11-19",
    "kind": "comment",
    "body": "The announcement came as no surprise to us.",
    "tags": ["Salisbury"],
}


def jsonl(*records):
    return "".join(
        (r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n"
        for r in records
    ).encode()


def run_import(tmp_path, data, *args, failing=False):
    """The command's output; ``failing`` when some line must be refused."""
    file = tmp_path / "in.jsonl"
    file.write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    if failing:
        with pytest.raises(CommandError) as refused:
            call_command("import_statements", str(file), *args, stdout=out, stderr=err)
        assert refused.value.returncode == 1
        return out.getvalue(), err.getvalue() + str(refused.value)
    call_command("import_statements", str(file), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def export(*args):
    out = io.StringIO()
    call_command("export_statements", *args, stdout=out)
    return out.getvalue()


def test_import_creates_statements_speakers_tags_and_turns(tmp_path):
    out, err = run_import(tmp_path, jsonl(TRANSCRIPT, COMMENT))

    assert "Import finished: 2 created, 0 updated, 0 skipped" in out
    assert "2 lines read" in err
    transcript = Statement.objects.get(kind="transcript")
    assert transcript.status == "published" and transcript.featured
    assert transcript.slug == "2021-11-10-remarks-and-answers-to-media-questions"
    assert [s.name for s in transcript.ordered_speakers] == [
        "Sergey Lavrov",
        "Vladimir Makei",
    ]
    assert sorted(t.name for t in transcript.topics.all()) == ["Belarus", "Migration"]
    assert transcript.body == "Ladies and gentlemen,\n\nWe met today."
    turns = list(transcript.turns.all())
    assert [(t.role, t.label, t.note) for t in turns] == [
        ("question", "Question (to both ministers)", "to both ministers"),
        (
            "answer",
            "Sergey Lavrov (answers after Vladimir Makei)",
            "answers after Vladimir Makei",
        ),
        ("question", "Question", ""),
        ("answer", "MR LAVROV", ""),
    ]
    lavrov = Speaker.objects.get(name="Sergey Lavrov")
    assert turns[1].speaker == turns[3].speaker == lavrov
    assert turns[1].paragraphs == ["Nobody asked us.", "They simply enjoy being tough."]
    comment = Statement.objects.get(kind="comment")
    # A bare date is noon in London.
    assert comment.published_at.isoformat() == "2021-11-19T12:00:00+00:00"
    assert comment.summary == "The announcement came as no surprise to us."


def test_same_file_twice_leaves_the_same_database(tmp_path):
    data = jsonl(TRANSCRIPT, COMMENT)
    run_import(tmp_path, data)
    before = export("--all")

    out, _ = run_import(tmp_path, data)

    assert "0 created, 0 updated, 2 skipped" in out
    assert export("--all") == before
    assert Speaker.objects.count() == 2 and Topic.objects.count() == 3
    assert Turn.objects.count() == 4


def test_update_refreshes_changed_statements_by_slug(tmp_path):
    run_import(tmp_path, jsonl(TRANSCRIPT, COMMENT))
    changed = {
        **TRANSCRIPT,
        "title": "Corrected title",
        "slug": "2021-11-10-remarks-and-answers-to-media-questions",
        "body": TRANSCRIPT["body"] + "\n\nQuestion: One more?\n\nSergey Lavrov: Yes.",
        "tags": ["Belarus"],
    }
    original_id = Statement.objects.get(kind="transcript").id

    stamp = Statement.objects.get(kind="transcript").updated_at
    out, _ = run_import(tmp_path, jsonl(changed, COMMENT), "--update")

    assert "0 created, 1 updated, 1 skipped" in out
    transcript = Statement.objects.get(kind="transcript")
    assert transcript.id == original_id
    # Editors who opened it before the import are refused, not overwritten.
    assert transcript.updated_at > stamp
    assert transcript.title == "Corrected title"
    assert transcript.turns.count() == 6
    assert [t.name for t in transcript.topics.all()] == ["Belarus"]


def test_without_update_a_changed_statement_is_left_alone(tmp_path):
    run_import(tmp_path, jsonl(COMMENT))
    slug = Statement.objects.get().slug

    out, _ = run_import(tmp_path, jsonl({**COMMENT, "slug": slug, "title": "New"}))

    assert "1 skipped" in out
    assert Statement.objects.get().title == COMMENT["title"]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"title": "Broken", "published": ', "not valid JSON"),
        ("[1, 2, 3]", "not a JSON object"),
        (
            json.dumps({"title": "No body", "published": "2021-01-01"}),
            "missing required key(s): body",
        ),
        (
            json.dumps({"body": "Text"}),
            "missing required key(s): title, published",
        ),
        (json.dumps({**COMMENT, "kind": "speech"}), "kind 'speech' is not one of"),
        (
            json.dumps({**COMMENT, "published": "2021-13-45"}),
            "published '2021-13-45' is not a date",
        ),
        (json.dumps({**COMMENT, "published": "0000-00-00"}), "is not a date"),
        (
            json.dumps({**COMMENT, "published": "2021-11-19T12:00:00"}),
            "has no UTC offset",
        ),
        (json.dumps({**COMMENT, "body": "  \n\n "}), "body is empty"),
        (
            json.dumps({**COMMENT, "speakers": "Sergey Lavrov"}),
            "speakers must be a list of strings",
        ),
        (json.dumps({**COMMENT, "featured": "yes"}), "featured must be true or false"),
        (json.dumps({**COMMENT, "slug": "not a slug!"}), "is not a valid slug"),
    ],
)
def test_bad_line_is_reported_with_its_number_and_skipped(tmp_path, line, reason):
    good = {**COMMENT, "title": "Good line after the bad one"}

    out, err = run_import(tmp_path, jsonl(COMMENT, line, good), failing=True)

    assert "skipped line 2: " in err
    assert reason in err.split("skipped line 2: ")[1]
    assert "2 created, 0 updated, 0 skipped (already imported), 1 error" in out
    assert Statement.objects.count() == 2


def test_invalid_utf8_line_is_reported(tmp_path):
    data = (
        jsonl(COMMENT)
        + b'{"title": "\xff\xfe", "published": "2021-01-01", "body": "x"}\n'
    )

    _, err = run_import(tmp_path, data, failing=True)

    assert "skipped line 2: the line is not valid UTF-8 (byte 12)" in err
    assert Statement.objects.count() == 1


def test_the_same_statement_twice_in_the_file_is_an_error(tmp_path):
    duplicate = {**COMMENT, "body": "Another text with the same title and date."}

    _, err = run_import(tmp_path, jsonl(COMMENT, duplicate), failing=True)

    assert "skipped line 2: the same title and publication time as line 1" in err
    assert Statement.objects.get().body == COMMENT["body"]


def test_a_50_mb_line_is_refused_without_importing_any_of_it(tmp_path):
    huge = json.dumps({**COMMENT, "title": "Huge", "body": "x" * (50 * 1024 * 1024)})

    _, err = run_import(tmp_path, jsonl(huge, COMMENT), failing=True)

    assert "skipped line 1: the line is longer than 16 MB" in err
    assert list(Statement.objects.values_list("title", flat=True)) == [COMMENT["title"]]


def test_unknown_label_names_become_speakers_only_when_asked(tmp_path):
    record = {
        **TRANSCRIPT,
        "speakers": [],
        "body": "Opening.\n\nQuestion: Why?\n\nNed Price: Because.",
    }
    out, _ = run_import(tmp_path, jsonl(record))
    assert "not known speakers were kept unlinked" in out and "Ned Price" in out
    assert not Speaker.objects.filter(name="Ned Price").exists()
    assert Turn.objects.get(role="answer").speaker is None

    Statement.objects.all().delete()
    run_import(tmp_path, jsonl(record), "--create-speakers")
    assert Turn.objects.get(role="answer").speaker.name == "Ned Price"


def test_an_import_failing_mid_batch_leaves_whole_statements_only(
    interrupt_on_the_second_batch,
):
    records = [
        {**TRANSCRIPT, "title": f"Transcript {n}", "slug": f"transcript-{n}"}
        for n in range(5)
    ]
    with pytest.raises(KeyboardInterrupt):
        Importer(batch_size=2).run(io.BytesIO(jsonl(*records)))

    # The first batch whole; of the second, whose turns failed, nothing at all.
    assert sorted(Statement.objects.values_list("slug", flat=True)) == [
        "transcript-0",
        "transcript-1",
    ]
    for statement in Statement.objects.all():
        assert statement.turns.count() == 4
        assert statement.speakers.count() == 2
    assert Turn.objects.count() == 8


def test_export_then_import_reproduces_the_content(make_statement):
    call_command("load_demo", stdout=io.StringIO())
    make_statement(
        title="A draft", status="draft", lead="Written lead.", delivered_on="2021-01-02"
    )
    exported = export("--all")

    Statement.objects.all().delete()
    Importer().run(io.BytesIO(exported.encode()))

    assert export("--all") == exported
    assert Statement.objects.get(title="A draft").lead == "Written lead."


def test_export_leaves_out_drafts_unless_all_and_honours_since(make_statement):
    make_statement(title="Old", published_at="2020-01-01T12:00:00+00:00")
    make_statement(title="New", published_at="2021-06-01T12:00:00+00:00")
    make_statement(title="Draft", status="draft")

    assert [json.loads(line)["title"] for line in export().splitlines()] == [
        "Old",
        "New",
    ]
    assert [
        json.loads(line)["title"]
        for line in export("--since", "2021-01-01").splitlines()
    ] == ["New"]
    assert "Draft" in export("--all")


def test_export_rejects_a_bad_since_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="is not a date"):
        export("--since", "2021-02-30")


def test_export_writes_turns_back_into_the_body(tmp_path):
    run_import(tmp_path, jsonl(TRANSCRIPT))

    line = json.loads(export())

    assert " ".join(line["body"].split()) == " ".join(TRANSCRIPT["body"].split())


def test_a_bad_line_is_refused_with_its_number_and_the_rest_is_imported_all_the_same(
    tmp_path,
):
    bad_lines = [
        # Each of these stopped the import with a traceback, or was accepted
        # and then broke the admin.
        '{"title": "Deep", "published": "2021-01-01", "body": '
        + "[" * 100_000
        + "]" * 100_000
        + "}",
        json.dumps({**COMMENT, "title": "NUL", "speakers": ["Sergey\x00 Lavrov"]}),
        '{"title": "Surrogate \\ud800", "published": "2021-01-01", "body": "x"}',
        json.dumps(
            {**COMMENT, "title": "Year 1", "published": "0001-01-01T00:00:00+14:00"}
        ),
        json.dumps(
            {**COMMENT, "title": "Year 9999", "published": "9999-12-31T23:59:59-14:00"}
        ),
        json.dumps({**COMMENT, "title": "Year 1899", "published": "1899-12-31"}),
    ]
    good = [{**COMMENT, "title": f"Good line {n}"} for n in range(len(bad_lines) + 1)]
    lines = [good[0]]
    for bad, after in zip(bad_lines, good[1:], strict=True):
        lines += [bad, after]

    out, err = run_import(tmp_path, jsonl(*lines), failing=True)

    reasons = [
        "line 2: not valid JSON (nested too deeply)",
        "line 4: speakers contains a NUL character",
        "line 6: title contains a lone surrogate (\\ud800)",
        "line 8: published '0001-01-01T00:00:00+14:00' is not between 1900 and 2100",
        "line 10: published '9999-12-31T23:59:59-14:00' is not between 1900 and 2100",
        "line 12: published '1899-12-31' is not between 1900 and 2100",
    ]
    for reason in reasons:
        assert f"skipped {reason}" in err
    assert "7 created, 0 updated, 0 skipped (already imported), 6 errors" in out
    assert "6 of 13 lines were not imported" in err
    assert sorted(Statement.objects.values_list("title", flat=True)) == sorted(
        line["title"] for line in good
    )


def test_names_differing_only_in_case_are_one_topic_and_one_speaker(tmp_path):
    line = {
        **COMMENT,
        "speakers": ["Sergey Lavrov", "SERGEY LAVROV"],
        "tags": ["Belarus", "belarus", "BELARUS"],
    }

    before, after = COMMENT | {"title": "Before"}, COMMENT | {"title": "After"}
    out, _ = run_import(tmp_path, jsonl(before, line, after))

    assert "3 created" in out
    statement = Statement.objects.get(title=COMMENT["title"])
    assert [topic.name for topic in statement.topics.all()] == ["Belarus"]
    assert [speaker.name for speaker in statement.speakers.all()] == ["Sergey Lavrov"]


def test_a_line_after_a_refused_one_in_the_same_batch_is_imported(tmp_path):
    refused = {**COMMENT, "title": "Refused", "published": "9999-12-31"}
    after = {**COMMENT, "title": "After"}

    run_import(tmp_path, jsonl(COMMENT, refused, after), failing=True)

    assert Statement.objects.count() == 2
    assert admin_pages_answer()


def admin_pages_answer():
    client = Client()
    client.force_login(User.objects.create_superuser("boss", password="x-long-pass"))
    pages = ["/admin/statements/statement/"] + [
        f"/admin/statements/statement/{pk}/change/"
        for pk in Statement.objects.values_list("pk", flat=True)
    ]
    return all(client.get(page).status_code == 200 for page in pages)


def test_the_json_error_names_the_column_in_characters(tmp_path):
    line = '{"title": "Заявление", "published": "2021-01-01" "body": "x"}'

    _, err = run_import(tmp_path, jsonl(COMMENT, line), failing=True)

    column = line.index('"body"') + 1
    assert (
        f"skipped line 2: not valid JSON (Expecting ',' delimiter at column {column})"
        in err
    )


def test_the_progress_line_counts_one_line_in_the_singular(tmp_path):
    _, err = run_import(tmp_path, jsonl(COMMENT))

    assert "1 line read: 1 created" in err


def test_update_keeps_the_previous_version_and_marks_the_correction(tmp_path):
    run_import(tmp_path, jsonl(COMMENT))
    before = timezone.now()

    out, _ = run_import(
        tmp_path, jsonl({**COMMENT, "body": "A corrected text."}), "--update"
    )

    statement = Statement.objects.get()
    assert "1 updated" in out
    assert statement.body == "A corrected text."
    assert statement.corrections.get().made_at >= before
    versions = list(statement.history.order_by("history_date"))
    assert [v.text_snapshot for v in versions] == [COMMENT["body"], "A corrected text."]
    assert versions[-1].history_change_reason == "import_statements --update"


def test_update_never_undoes_an_admin_save_made_while_the_import_runs(
    tmp_path, admin_client
):
    first, second = COMMENT, {**COMMENT, "title": "Second comment"}
    run_import(tmp_path, jsonl(first, second))
    changed = jsonl(
        {**first, "body": "File text 1."}, {**second, "body": "File text 2."}
    )
    target = Statement.objects.get(title="Second comment")

    def editor_saves_the_second_statement(summary):
        if summary.lines == 1:  # between the import's two batches
            version = loaded_version(admin_client, target)
            response = admin_client.post(
                change_url(target),
                edit(target, "The editor's text.", version, minor_change="on"),
            )
            assert response.status_code == 302

    importer = Importer(update=True, batch_size=1)
    summary = importer.run(
        io.BytesIO(changed), progress=editor_saves_the_second_statement
    )

    assert summary.updated == 1
    saved_at = timezone.localtime(Statement.objects.get(pk=target.pk).updated_at)
    assert [str(error) for error in summary.errors] == [
        "line 2: not updated: '2021-11-19-second-comment' was saved by someone else "
        f"at {saved_at:%H:%M:%S}, while this import ran; check their version, then "
        "import again"
    ]
    assert Statement.objects.get(pk=target.pk).body == "The editor's text."
    assert Statement.objects.get(title=first["title"]).body == "File text 1."


def test_an_admin_form_opened_before_an_update_import_cannot_undo_it(
    tmp_path, admin_client
):
    run_import(tmp_path, jsonl(COMMENT))
    statement = Statement.objects.get()
    version = loaded_version(admin_client, statement)

    run_import(tmp_path, jsonl({**COMMENT, "body": "Imported text."}), "--update")
    response = admin_client.post(
        change_url(statement), edit(statement, "Stale text.", version)
    )

    assert response.status_code == 200
    assert Statement.objects.get().body == "Imported text."


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite locks the whole database"
)
@pytest.mark.django_db(transaction=True)
def test_update_waits_for_an_admin_save_in_progress_and_leaves_it(tmp_path):
    """The editor's save holds the row, as the admin's form does, while the
    import reads it; without the import's own lock it would read the old
    stamp, wait only to write, and then undo the editor's save."""
    run_import(tmp_path, jsonl(COMMENT))
    statement = Statement.objects.get()
    locked, import_started = threading.Event(), threading.Event()

    def editor_saves():
        try:
            with transaction.atomic():
                row = Statement.objects.select_for_update().get(pk=statement.pk)
                locked.set()
                import_started.wait(10)
                time.sleep(0.5)  # the import is now waiting for the row
                row.body = "The editor's text."
                row.save()
        finally:
            connection.close()

    editor = threading.Thread(target=editor_saves)
    editor.start()
    locked.wait(10)
    importer = Importer(update=True)
    import_started.set()
    summary = importer.run(io.BytesIO(jsonl({**COMMENT, "body": "File text."})))
    editor.join(10)

    assert summary.updated == 0
    assert "was saved by someone else" in str(summary.errors[0])
    assert Statement.objects.get().body == "The editor's text."
