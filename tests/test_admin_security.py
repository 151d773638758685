"""The admin's door: login throttling and password rules."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import User
from django.utils import timezone

pytestmark = pytest.mark.django_db

LOGIN_URL = "/admin/login/?next=/admin/"
PASSWORD = "a-long-test-password"


@pytest.fixture
def editor():
    return User.objects.create_user("editor", password=PASSWORD, is_staff=True)


def sign_in(client, username, password, address="203.0.113.7"):
    return client.post(
        LOGIN_URL,
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def test_five_wrong_passwords_lock_that_user_from_that_address(client, editor):
    for _ in range(4):
        assert sign_in(client, "editor", "guess").status_code == 200

    locked = sign_in(client, "editor", "guess")
    after = sign_in(client, "editor", PASSWORD)

    assert locked.status_code == 429
    assert after.status_code == 429
    page = after.content.decode()
    assert "Sign-in locked" in page
    assert "5 wrong passwords in a row for one user name" in page
    assert "_auth_user_id" not in client.session


def test_lock_does_not_stop_the_same_user_elsewhere_or_other_users(client, editor):
    User.objects.create_user("colleague", password=PASSWORD, is_staff=True)
    for _ in range(5):
        sign_in(client, "editor", "guess")

    assert sign_in(client, "colleague", PASSWORD).status_code == 302
    client.logout()
    assert (
        sign_in(client, "editor", PASSWORD, address="198.51.100.9").status_code == 302
    )


def test_failed_attempts_are_listed_in_the_admin(client, admin_client, editor):
    sign_in(client, "editor", "guess")

    page = admin_client.get("/admin/axes/accessattempt/").content.decode()

    assert "editor" in page
    assert "203.0.113.7" in page


@pytest.mark.parametrize("password", ["password", "12345678901", "newcomer99", "x7!q"])
def test_admin_refuses_a_weak_staff_password(admin_client, password):
    response = admin_client.post(
        "/admin/auth/user/add/",
        {
            "username": "newcomer",
            "usable_password": "true",
            "password1": password,
            "password2": password,
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["password2"]
    assert not User.objects.filter(username="newcomer").exists()


def test_admin_accepts_a_strong_staff_password(admin_client):
    password = "quiet-harbour-lantern-93"
    response = admin_client.post(
        "/admin/auth/user/add/",
        {
            "username": "newcomer",
            "usable_password": "true",
            "password1": password,
            "password2": password,
        },
    )

    assert response.status_code == 302
    assert User.objects.get(username="newcomer").check_password(password)


@pytest.fixture
def behind_one_proxy(settings):
    """What DJANGO_TRUSTED_PROXIES=1 sets (tests/test_settings.py checks that)."""
    settings.AXES_IPWARE_PROXY_COUNT = 0
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]


def through_proxy(client, username, password, forwarded_for):
    """A sign-in as nginx passes it on: from its own address, naming the client's."""
    return client.post(
        LOGIN_URL,
        {"username": username, "password": password},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_behind_the_proxy_a_lock_follows_the_client_address(
    client, editor, behind_one_proxy
):
    for _ in range(5):
        through_proxy(client, "editor", "guess", "198.51.100.66")

    assert through_proxy(client, "editor", PASSWORD, "198.51.100.66").status_code == 429
    assert through_proxy(client, "editor", PASSWORD, "203.0.113.7").status_code == 302


def test_a_client_cannot_pass_for_another_address_behind_the_proxy(
    client, editor, behind_one_proxy
):
    # The attacker writes the victim's address; nginx appends the attacker's.
    for _ in range(5):
        through_proxy(client, "editor", "guess", "203.0.113.7, 198.51.100.66")

    assert through_proxy(client, "editor", PASSWORD, "203.0.113.7").status_code == 302


def test_many_user_names_from_one_address_lock_that_address(client, editor):
    for number in range(19):
        assert sign_in(client, f"guess{number}", "guess").status_code == 200

    assert sign_in(client, "guess19", "guess").status_code == 429
    assert sign_in(client, "editor", PASSWORD).status_code == 429
    assert (
        sign_in(client, "editor", PASSWORD, address="198.51.100.9").status_code == 302
    )


def test_an_unsafe_next_leads_to_the_admin_index(client, editor):
    response = client.post(
        "/admin/login/?next=https://evil.example.org/",
        {"username": "editor", "password": PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_an_admin_session_ends_after_two_idle_hours(client, editor):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert sign_in(client, "editor", PASSWORD).status_code == 302
    with time_machine.travel(start + datetime.timedelta(hours=1, minutes=59)):
        assert client.get("/admin/").status_code == 200
    with time_machine.travel(start + datetime.timedelta(hours=3, minutes=50)):
        assert client.get("/admin/").status_code == 200
    with time_machine.travel(start + datetime.timedelta(hours=6)):
        assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_an_active_admin_session_ends_two_weeks_after_signing_in(client, editor):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client, "editor", PASSWORD)
    for step in range(1, 14 * 16):  # every hour and a half, for two weeks
        with time_machine.travel(start + step * datetime.timedelta(minutes=90)):
            assert client.get("/admin/").status_code == 200
    with time_machine.travel(start + datetime.timedelta(days=14, minutes=1)):
        assert client.get("/admin/")["Location"].startswith("/admin/login/")
