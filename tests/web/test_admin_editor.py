import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from statements.models import Statement, Turn

pytestmark = pytest.mark.web

TURNS = 12
# A 12-turn transcript's edit page measured 8,331 px before the compact
# editor (3,337 px after, at 1366 px wide).
MAX_HEIGHT = 4_000


@pytest.fixture
def twelve_turn_transcript(make_statement, make_speaker):
    lavrov = make_speaker()
    statement = make_statement(
        kind="transcript",
        title="Foreign Minister Sergey Lavrov's remarks and answers to media "
        "questions at a joint news conference following talks",
        speakers=[lavrov],
    )
    for position in range(1, TURNS + 1):
        asks = position % 2
        Turn.objects.create(
            statement=statement,
            position=position,
            role=Turn.Role.QUESTION if asks else Turn.Role.ANSWER,
            label="Question" if asks else "Sergey Lavrov",
            speaker=None if asks else lavrov,
            text=(
                "Could you comment on the talks?"
                if asks
                else "We discussed the whole range of our relations.\n\n"
                "We agreed to meet again next year."
            ),
        )
    return statement


@pytest.fixture
def editor(page, live_server, db):
    """A browser tab logged in to the admin."""
    User.objects.create_superuser("editor", password="a-long-test-password")
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")
    return page


def test_a_twelve_turn_transcript_edits_on_a_compact_page(
    editor, live_server, twelve_turn_transcript
):
    page = editor
    page.goto(
        f"{live_server.url}/admin/statements/statement/"
        f"{twelve_turn_transcript.pk}/change/"
    )
    height = page.evaluate("document.body.scrollHeight")
    page.screenshot(path="/tmp/wt13-editor.png", full_page=True)

    print(f"edit page height for {TURNS} turns: {height} px")
    assert height < MAX_HEIGHT
    turns = page.locator("#turns-group")
    assert turns.get_by_text(twelve_turn_transcript.title).first.is_hidden()
    assert page.get_by_text("View on site").count() == 1


def test_a_russian_title_gets_the_one_rules_slug_on_save(editor, live_server):
    """No script types a slug in (it would write Russian its own way): left
    empty, it is made on save from the title by statements.slugs."""
    page = editor
    page.goto(f"{live_server.url}/admin/statements/statement/add/")

    page.locator("#id_title").press_sequentially("Заявление МИД России")
    expect(page.locator("#id_slug")).to_have_value("")
    page.locator("#id_body").fill("Текст заявления.")
    page.locator("input[name=_save]").click()

    expect(page.locator(".messagelist")).to_contain_text("Draft")
    assert Statement.objects.get().slug.endswith("-zayavleniye-mid-rossii")


def test_a_transcript_is_pasted_corrected_and_confirmed_in_the_browser(
    editor, live_server
):
    page = editor
    page.goto(f"{live_server.url}/admin/statements/statement/add/")
    page.fill("#id_title", "Briefing by the Special Representative")
    page.select_option("#id_kind", "transcript")
    page.select_option("#id_status", "published")
    page.fill(
        "#id_body",
        "SRSG: Good morning.\n\nQ: Any news?\n\nSRSG: Not yet.\n\nIt may take weeks.",
    )

    page.get_by_role("button", name="Save and split into turns").click()
    expect(page.locator("h1")).to_contain_text("Split into turns")
    page.screenshot(path="/tmp/wt13-proposal.png", full_page=True)
    # The answer's second paragraph is a question of its own.
    page.select_option("#id_rows-3-starts", "question")
    page.get_by_role("button", name="Confirm and publish the turns").click()

    expect(page.locator(".messagelist")).to_contain_text("now has 4 turns")
    statement = Statement.objects.get()
    assert [(t.role, t.label) for t in statement.turns.all()] == [
        ("answer", "SRSG"),
        ("question", "Q"),
        ("answer", "SRSG"),
        ("question", "Question"),
    ]
