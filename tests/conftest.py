import datetime

import pytest
from django.conf import settings
from django.core.cache import caches
from django.utils import timezone, translation

from statements.models import Speaker, Statement, StatementSpeaker, Topic


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix, tmp_path_factory
):
    """SQLite tests use a file: an in-memory database dies with its connection,
    and the outage tests close the connection for real."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        path = tmp_path_factory.mktemp("database") / "test.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(path)


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests run without collectstatic, so without the manifest of hashed names.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture(autouse=True)
def _default_language():
    """A request activates its page's language; the next test starts in English,
    as a new process does."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached pages outlive a test's database; start every test without them."""
    for alias in ("default", "local"):
        caches[alias].clear()


@pytest.fixture
def make_speaker(db):
    def make(name="Sergey Lavrov", **overrides):
        return Speaker.objects.create(name=name, **overrides)

    return make


@pytest.fixture
def make_statement(db):
    """A published statement, an hour old unless told otherwise."""
    counter = iter(range(1, 1_000_000))

    def make(speakers=(), topics=(), **overrides):
        number = next(counter)
        fields = {
            "title": f"Statement number {number}",
            "slug": f"statement-number-{number}",
            "status": Statement.Status.PUBLISHED,
            "published_at": timezone.now() - datetime.timedelta(hours=1),
            "body": f"First paragraph of statement {number}.\n\nSecond paragraph.",
        }
        fields.update(overrides)
        statement = Statement.objects.create(**fields)
        for position, speaker in enumerate(speakers):
            StatementSpeaker.objects.create(
                statement=statement, speaker=speaker, position=position
            )
        statement.topics.set(topics)
        return statement

    return make


@pytest.fixture
def make_topic(db):
    def make(name="Salisbury"):
        return Topic.objects.create(name=name)

    return make
