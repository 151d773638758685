"""Whatever an editor types is shown as text, never run as markup."""

import pytest

from counters.models import TrackedIncident
from statements.models import Turn

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script>'
ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"


@pytest.fixture
def hostile(make_statement, make_speaker, make_topic):
    speaker = make_speaker(
        name=f"Speaker {SCRIPT}", slug="speaker", position=SCRIPT, biography=SCRIPT
    )
    statement = make_statement(
        title=f"Title {SCRIPT}",
        lead=f"Lead {SCRIPT}",
        body=f"Body {SCRIPT}\n\nMore {SCRIPT}",
        location=SCRIPT,
        featured=True,
        speakers=[speaker],
        topics=[make_topic(name=f"Topic {SCRIPT}")],
    )
    Turn.objects.create(
        statement=statement,
        position=1,
        role=Turn.Role.ANSWER,
        label=f"Label {SCRIPT}",
        speaker=speaker,
        note=SCRIPT,
        text=f"Answer {SCRIPT}",
    )
    TrackedIncident.objects.create(
        title="t", happened_on="2018-03-04", sentence=f"days {SCRIPT}"
    )
    return statement, speaker


@pytest.mark.parametrize("page", ["detail", "list", "home", "speaker"])
def test_editor_text_is_escaped_on_every_page(client, hostile, page):
    statement, speaker = hostile
    url = {
        "detail": statement.get_absolute_url(),
        "list": "/statements/",
        "home": "/",
        "speaker": speaker.get_absolute_url(),
    }[page]

    html = client.get(url).content.decode()

    assert "<script>alert" not in html
    assert f"Title {ESCAPED}" in html
    assert f"days {ESCAPED}" in html
