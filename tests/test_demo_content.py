import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from counters.models import Clock, ContactLine, TrackedIncident
from statements.models import Statement

pytestmark = pytest.mark.django_db


def load_demo():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_demo_content_is_the_sample_page_and_loads_once():
    first = load_demo()
    second = load_demo()

    assert Statement.objects.published().in_language("en").count() == 11
    assert Statement.objects.published().in_language("ru").count() == 1
    featured = Statement.objects.get(featured=True, language="en")
    assert featured.kind == "transcript"
    assert featured.published_at.date().isoformat() == "2021-11-10"
    assert featured.turns.count() == 10
    assert [i.title for i in TrackedIncident.objects.active()] == [
        "Salisbury incident",
        "Death of Nikolay Glushkov",
    ]
    assert [c.zone for c in Clock.objects.all()] == ["Europe/Moscow", "Europe/London"]
    assert ContactLine.objects.get().value == "+44 (0) 203 668 7474"
    assert "Demo content loaded" in first
    assert "not loaded" in second
    assert Statement.objects.count() == 12


def test_admin_password_is_random_and_printed_once():
    output = load_demo()
    password = output.split("admin / ")[1].split()[0]

    assert User.objects.get(username="admin").check_password(password)
    assert len(password) >= 16
    assert "admin / " not in load_demo()
