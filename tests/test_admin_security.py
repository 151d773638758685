"""The admin's door: login throttling and password rules."""

import pytest
from django.contrib.auth.models import User

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
    assert "5 wrong passwords in a row" in page
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
