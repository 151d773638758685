"""`make serve`'s gunicorn, as configured in gunicorn.conf.py."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_serves_without_the_control_socket_every_instance_shares(tmp_path):
    port = free_port()
    env = {
        **{
            k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "XDG_"))
        },
        "HOME": str(tmp_path),
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "WEB_CONCURRENCY": "1",
    }
    migrate = [sys.executable, "manage.py", "migrate", "--noinput", "-v0"]
    subprocess.run(migrate, cwd=ROOT, env=env, check=True)
    command = [sys.executable, "-m", "gunicorn", "embassy.wsgi"]
    command += ["--bind", f"127.0.0.1:{port}", "--config", "gunicorn.conf.py"]
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt") as r:
                    assert r.status == 200
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not answer")
        assert not (tmp_path / ".gunicorn").exists()
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_gunicorn_refuses_several_workers_without_a_shared_cache():
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    result = subprocess.run(
        [
            *(sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"),
            *("--check-config", "embassy.wsgi"),
        ],
        cwd=ROOT,
        env={**env, "WEB_CONCURRENCY": "3"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "set REDIS_URL" in result.stderr
