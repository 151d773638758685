"""Real clients for the web checks (`make check-web`): Chromium, axe-core, vnu."""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import sync_playwright

from statements.models import Statement
from tests.library.conftest import illustrate

# Playwright's sync API runs an event loop in the test thread; without this
# Django refuses the test's own database calls (pytest-django's advice).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
DESKTOP = {"width": 1366, "height": 900}
TRANSCRIPT = "/statements/lavrov-makei-news-conference-2021-11-10/"
STATEMENT = (
    "/statements/2021-12-01-foreign-ministry-statement-on-the-planned-us-summit-"
    "for-democracy-november-30-2021/"
)
RUSSIAN_TRANSCRIPT = "/ru/statements/lavrov-makey-press-konferentsiya-2021-11-10/"
PAGES = {
    "home": "/",
    "list": "/statements/",
    "list-filtered": "/statements/?speaker=sergey-lavrov&kind=transcript",
    "list-with-errors": (
        "/statements/?kind=poem&date_from=2021-12-01&date_to=2021-11-01"
    ),
    "statement": STATEMENT,
    "transcript": TRANSCRIPT,
    "speaker": "/speakers/sergey-lavrov/",
    "speakers": "/speakers/",
    "topics": "/topics/",
    "about": "/about/",
    "ru-home": "/ru/",
    "ru-list": "/ru/statements/",
    "ru-list-filtered": "/ru/statements/?speaker=sergey-lavrov&kind=transcript",
    "ru-list-with-errors": (
        "/ru/statements/?kind=poem&date_from=2021-12-01&date_to=2021-11-01"
    ),
    "ru-statement": RUSSIAN_TRANSCRIPT,
    "ru-speaker": "/ru/speakers/sergey-lavrov/",
    "ru-speakers": "/ru/speakers/",
    "ru-topics": "/ru/topics/",
    "ru-about": "/ru/about/",
}


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser):
    """A fresh tab at a given size; closed after the test."""
    contexts = []

    def open_page(viewport=DESKTOP):
        context = browser.new_context(viewport=viewport)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(open_page):
    return open_page()


@pytest.fixture
def demo(db, settings, tmp_path):
    """The demo content, with one correction so pages show a change log, and
    pictures, documents and an emblem (library/)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", stdout=io.StringIO())
    statement = Statement.objects.get(slug=STATEMENT.split("/")[2])
    statement.corrections.create(note="The date of the summit was corrected.")
    illustrate(statement)


@pytest.fixture
def axe_path():
    path = Path(__file__).resolve().parents[2] / "node_modules/axe-core/axe.min.js"
    assert path.exists(), "run `make web-tools` (npm ci) first"
    return path
