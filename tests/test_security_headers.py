"""Every kind of page carries the security headers; the policy blocks nothing we use."""

from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(make_statement, make_speaker):
    speaker = make_speaker()
    statement = make_statement(speakers=[speaker])
    return {
        "home": "/",
        "list": "/statements/",
        "statement": statement.get_absolute_url(),
        "speaker": speaker.get_absolute_url(),
        "404": "/statements/no-such-statement/",
        "admin login": "/admin/login/",
    }


@pytest.mark.parametrize(
    "kind", ["home", "list", "statement", "speaker", "404", "admin login"]
)
def test_each_kind_of_page_carries_the_security_headers(client, pages, kind):
    response = client.get(pages[kind])

    assert response.status_code in (200, 404)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"


class InlineCode(HTMLParser):
    """Collects what a policy without 'unsafe-inline' would block, and script files."""

    def __init__(self):
        super().__init__()
        self.blocked, self.script_files, self._in_inline_script = [], [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.blocked += [f"{tag} {name}=" for name in attrs if name.startswith("on")]
        if "style" in attrs:
            self.blocked.append(f"{tag} style=")
        if tag == "style":
            self.blocked.append("<style>")
        if tag == "script":
            if attrs.get("src"):
                self.script_files.append(attrs["src"])
            elif attrs.get("type") != "application/json":
                self._in_inline_script = True

    def handle_data(self, data):
        if self._in_inline_script and data.strip():
            self.blocked.append(f"<script>{data.strip()[:40]}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline_script = False


def inline_code(page):
    parser = InlineCode()
    parser.feed(page)
    return parser


def test_inline_code_detector_sees_what_the_policy_blocks():
    found = inline_code(
        '<p style="color:red" onclick="x()"></p><script>alert(1)</script>'
        '<script type="application/json">{}</script><script src="/static/a.js">'
        "</script>"
    )

    assert found.blocked == ["p onclick=", "p style=", "<script>alert(1)"]
    assert found.script_files == ["/static/a.js"]


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/admin/",
        "/admin/statements/statement/",
        "/admin/statements/statement/add/",
        "/admin/statements/statement/{pk}/change/",
    ],
)
def test_pages_and_admin_need_nothing_the_policy_blocks(
    admin_client, make_statement, url
):
    statement = make_statement()

    response = admin_client.get(url.format(pk=statement.pk))

    assert response.status_code == 200
    found = inline_code(response.content.decode())
    assert found.blocked == []
    assert found.script_files
    for src in found.script_files:
        if src.startswith(settings.STATIC_URL):
            assert finders.find(src.removeprefix(settings.STATIC_URL)), src
        else:
            script = admin_client.get(src)
            assert script.status_code == 200, src
            assert script["Content-Type"].startswith("text/javascript"), src
