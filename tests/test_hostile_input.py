"""No public parameter, however hostile, gives a 500.

Runs on whichever database the suite runs on: SQLite by default, PostgreSQL
with DATABASE_URL (NUL bytes and huge numbers fail differently there).
"""

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

PARAMETERS = ["q", "page", "speaker", "kind", "tag", "date_from", "date_to", "x"]
HOSTILE = [
    "'; DROP TABLE statements_statement; --",
    "' OR '1'='1",
    "1 UNION SELECT password FROM auth_user",
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
    "${7*7}",
    "<script>alert(1)</script>",
    "\x00",
    "0000-00-00",
    "99999-01-01",
    "9999-12-31",
    "0001-01-01",
    "-1",
    "0",
    "99999999999999999999999999",
    "1e10",
    "last",
    "NaN",
    "../../etc/passwd",
    "\u202e\ufeff",
    "a" * 5000,
]
# Sent as they are: invalid UTF-8, bad and NUL percent-escapes.
RAW_ESCAPES = ["%ff", "%fe%ff", "%c3%28", "%e2%82", "%00", "%", "%zz", "a%00b"]

common = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
values = st.one_of(
    st.sampled_from(HOSTILE).map(lambda value: quote(value, safe="")),
    st.text(max_size=300).map(lambda value: quote(value, safe="")),
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
    st.text(min_size=1, max_size=300).map(lambda value: quote(value, safe="")),
    st.sampled_from(HOSTILE).map(lambda value: quote(value, safe="")),
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
