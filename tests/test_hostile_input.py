"""No public parameter, however hostile, gives a 500.

Runs on whichever database the suite runs on: SQLite by default, PostgreSQL
with DATABASE_URL (NUL bytes and huge numbers fail differently there).
"""

import importlib.util
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from statements.models import Speaker, Statement, Topic

pytestmark = pytest.mark.django_db

PARAMETERS = ["q", "page", "speaker", "kind", "tag", "date_from", "date_to", "x"]


def bench_hostile():
    """bench/hostile.py, the generator of the 10,000-request run."""
    path = Path(__file__).resolve().parents[1] / "bench" / "hostile.py"
    spec = importlib.util.spec_from_file_location("hostile", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


hostile = bench_hostile()
HOSTILE = hostile.HOSTILE
# Sent as they are: invalid UTF-8, bad and NUL percent-escapes.
RAW_ESCAPES = hostile.RAW_ESCAPES

common = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
values = st.one_of(
    st.sampled_from(HOSTILE).map(hostile.encoded),
    st.text(max_size=300).map(hostile.encoded),
    st.integers().map(str),
    st.sampled_from(RAW_ESCAPES),
)
query_strings = st.lists(
    st.tuples(st.sampled_from(PARAMETERS), values), max_size=6
).map(lambda pairs: "&".join(f"{key}={value}" for key, value in pairs))
accept_languages = st.one_of(
    st.text(max_size=200), st.sampled_from(["*", "en-GB;q=2", "x" * 5000, ";;,,"])
)
path_segments = st.one_of(
    st.text(min_size=1, max_size=300).map(hostile.encoded),
    st.sampled_from(HOSTILE).map(hostile.encoded),
    st.sampled_from(RAW_ESCAPES),
)


# The public pages that take query parameters.
LIST_URLS = [
    "/statements/",
    "/statements/rss/",
    "/statements/atom/",
    "/sitemap-statements.xml",
]


@pytest.fixture
def content(make_statement, make_speaker, make_topic):
    speaker, topic = make_speaker(), make_topic()
    for _ in range(25):
        make_statement(speakers=[speaker], topics=[topic])
    return speaker


def assert_handled(response):
    assert response.status_code < 400 or response.status_code in (400, 404), (
        response.status_code
    )


@common
@given(query=query_strings, language=accept_languages)
@example(query="q=" + "a" * 20000, language="en")
@example(query="&".join(f"x{n}=1" for n in range(1500)), language="en")
@example(query="page=-1&q=%00", language="en")
@example(query="date_from=0000-00-00&date_to=99999-01-01", language="en")
def test_hostile_parameters_never_give_a_500(client, content, query, language):
    for url in [*LIST_URLS, content.get_absolute_url()]:
        assert_handled(client.get(f"{url}?{query}", HTTP_ACCEPT_LANGUAGE=language))


@common
@given(segment=path_segments, query=query_strings)
def test_hostile_slugs_never_give_a_500(client, content, segment, query):
    for prefix in ["/statements/", "/speakers/"]:
        assert_handled(client.get(f"{prefix}{segment}/?{query}"))


def test_generated_hostile_requests_give_no_5xx_and_no_invalid_xml(
    client, content, make_statement
):
    make_statement(title="Vertical\x0btab, \ufffe, Заявление", body="Текст\x0c.")
    client.raise_request_exception = False
    generated = {
        "slugs": list(Statement.objects.values_list("slug", flat=True)),
        "speakers": list(Speaker.objects.values_list("slug", flat=True)),
        "topics": list(Topic.objects.values_list("slug", flat=True)),
        "kinds": list(Statement.Kind.values),
    }

    _, documents, failures = hostile.run(client, generated, 400, seed=12)

    assert failures == []
    assert documents > 20
