import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "production-test-key-7f3kQ9zLw2Xv8Rp1Tn6Mb4Yc0Hd5Js",
    "DJANGO_ALLOWED_HOSTS": "press.example.org",
    "DJANGO_HTTPS": "1",
}


def without_settings():
    """The environment of a shell where nothing of ours is set."""
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key not in ("DATABASE_URL", "REDIS_URL")
    }


def manage(*args, **environ):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(environ)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "environ",
    [
        {"DJANGO_DEBUG": "0"},
        {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/production"},
    ],
)
def test_missing_secret_key_fails_loudly_when_debug_is_off(environ):
    result = manage("check", **environ)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off" in result.stderr


@pytest.mark.parametrize(
    "environ",
    [
        {"DJANGO_DEBUG": "1"},
        {"DJANGO_SECRET_KEY": "a-real-secret", "DJANGO_DEBUG": "0"},
    ],
)
def test_settings_load_with_debug_or_with_a_secret_key(environ):
    result = manage("check", **environ)

    assert result.returncode == 0, result.stderr


def test_site_runs_in_london_time_with_aware_datetimes(settings):
    assert settings.TIME_ZONE == "Europe/London"
    assert settings.USE_TZ is True
    assert settings.DEBUG is False


def test_production_settings_pass_the_deployment_checklist():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_deployment_checklist_fails_without_https():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **PRODUCTION | {"DJANGO_HTTPS": "0"},
    )

    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stderr


def setting_values(names, **environ):
    code = (
        "from django.conf import settings; "
        f"print([getattr(settings, name) for name in {names!r}])"
    )
    result = manage("shell", "--no-imports", "-c", code, **environ)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


HTTPS_SETTINGS = [
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SECURE_PROXY_SSL_HEADER",
]


def test_https_switches_on_redirect_secure_cookies_and_trusts_the_proxy_header():
    assert setting_values(HTTPS_SETTINGS, **PRODUCTION) == (
        "[True, True, True, True, ('HTTP_X_FORWARDED_PROTO', 'https')]"
    )


def test_https_is_off_for_development():
    assert setting_values(HTTPS_SETTINGS, DJANGO_DEBUG="1") == (
        "[False, False, False, True, None]"
    )


def test_admin_url_comes_from_the_environment():
    code = "from django.urls import reverse; print(reverse('admin:index'))"
    moved = manage(
        "shell", "--no-imports", "-c", code, DJANGO_DEBUG="1", DJANGO_ADMIN_URL="desk/"
    )
    default = manage("shell", "--no-imports", "-c", code, DJANGO_DEBUG="1")

    assert moved.stdout.strip() == "/desk/"
    assert default.stdout.strip() == "/admin/"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL setting")
@pytest.mark.django_db
def test_postgresql_queries_run_without_parallel_workers():
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone() == ("0",)


def test_one_trusted_proxy_reads_the_address_it_forwards_with_ipware():
    code = (
        "from axes.helpers import IPWARE_INSTALLED; from django.conf import settings; "
        "print(IPWARE_INSTALLED, settings.AXES_IPWARE_PROXY_COUNT, "
        "settings.AXES_IPWARE_META_PRECEDENCE_ORDER)"
    )
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        DJANGO_DEBUG="1",
        DJANGO_TRUSTED_PROXIES="1",
    )

    assert result.stdout.strip() == "True 0 ['HTTP_X_FORWARDED_FOR', 'REMOTE_ADDR']"


def test_the_served_site_refuses_to_start_without_a_secret_key():
    result = subprocess.run(
        [sys.executable, "-c", "import embassy.wsgi"],
        cwd=ROOT,
        env=without_settings(),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off" in result.stderr


README_PLACEHOLDERS = {
    "FILE.jsonl": "statements/demo/statements.jsonl",
    "[--create-speakers] [--update]": "--create-speakers --update",
    "[--since YYYY-MM-DD] [--all] > out.jsonl": "--since 2021-01-01 --all",
}


def readme_commands():
    lines = (ROOT / "README.md").read_text().splitlines()
    commands = [line.strip() for line in lines if line.startswith("    .venv/bin/")]
    for placeholder, value in README_PLACEHOLDERS.items():
        commands = [command.replace(placeholder, value) for command in commands]
    return commands


# Commands that ask for a password at the terminal: run with --help only.
INTERACTIVE = {"changepassword"}


def test_the_readme_shows_the_staff_import_and_export_commands():
    assert [shlex.split(command)[2] for command in readme_commands()] == [
        "shell",
        "changepassword",
        "import_statements",
        "export_statements",
    ]


def test_every_manage_command_in_the_readme_works_after_make_run(tmp_path):
    """As after `make run`: a migrated SQLite database, and nothing set."""
    env = {**without_settings(), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}

    def run(command):
        return subprocess.run(
            [sys.executable, *shlex.split(command)[1:]],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    assert run("python manage.py migrate --noinput").returncode == 0
    for command in readme_commands():
        if shlex.split(command)[2] in INTERACTIVE:
            command = shlex.join([*shlex.split(command)[:3], "--help"])
        result = run(command)
        assert result.returncode == 0, (command, result.stderr)
    assert "Sergey Lavrov" in result.stdout
