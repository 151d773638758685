"""Sign-in throttling behind a real nginx, as production runs it.

nginx listens on loopback and forwards to the live server with
``X-Forwarded-For $proxy_add_x_forwarded_for``; visitors are told apart by
the loopback address they connect from (127.0.0.2, 127.0.0.3...).
"""

import http.client
import re
import shutil
import socket
import subprocess
import time
from urllib.parse import urlencode, urlsplit

import pytest
from django.contrib.auth.models import User

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed"),
]

PASSWORD = "a-long-test-password"
NGINX_CONF = """
daemon off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://{upstream};
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        }}
    }}
}}
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def nginx(live_server, tmp_path, settings):
    """The port of an nginx before the live server; DJANGO_TRUSTED_PROXIES=1."""
    settings.AXES_IPWARE_PROXY_COUNT = 0
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    port = free_port()
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        NGINX_CONF.format(
            dir=tmp_path, port=port, upstream=urlsplit(live_server.url).netloc
        )
    )
    server = subprocess.Popen(
        ["nginx", "-c", str(conf), "-p", str(tmp_path), "-e", str(tmp_path / "e.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


def sign_in(port, address, username, password):
    """Sign in through nginx from ``address``, as a browser does: the form first."""
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=30, source_address=(address, 0)
    )
    connection.request("GET", "/admin/login/")
    page = connection.getresponse()
    body = page.read().decode()
    cookie = re.search(r"csrftoken=([^;]+)", page.getheader("Set-Cookie")).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    form = {
        "csrfmiddlewaretoken": token,
        "username": username,
        "password": password,
        "next": "/admin/",
    }
    connection.request(
        "POST",
        "/admin/login/",
        body=urlencode(form),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookie}",
        },
    )
    status = connection.getresponse().status
    connection.close()
    return status


def test_through_nginx_a_lock_follows_the_client_address(nginx):
    User.objects.create_user("admin", password=PASSWORD, is_staff=True)

    statuses = [sign_in(nginx, "127.0.0.2", "admin", "guess") for _ in range(5)]

    assert statuses == [200, 200, 200, 200, 429]
    assert sign_in(nginx, "127.0.0.2", "admin", PASSWORD) == 429
    assert sign_in(nginx, "127.0.0.3", "admin", PASSWORD) == 302
