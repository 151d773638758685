import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def django_check(**environ):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(environ)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_missing_secret_key_fails_loudly_when_debug_is_off():
    result = django_check()

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
    result = django_check(**environ)

    assert result.returncode == 0, result.stderr


def test_site_runs_in_london_time_with_aware_datetimes(settings):
    assert settings.TIME_ZONE == "Europe/London"
    assert settings.USE_TZ is True
    assert settings.DEBUG is False
