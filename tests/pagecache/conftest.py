import io
import os
import socket
import threading
import time

import pytest
import redis
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection

from embassy.pagecache.generation import generation_follower

REDIS_PORT = 6379
# Its own Redis database, so that suites run side by side can choose apart.
REDIS_DB = int(os.environ.get("TEST_REDIS_DB", "3"))


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())


def url_of_the_test_database():
    """The test database, for another process to use."""
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    return (
        f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}"
        f"/{database['NAME']}"
    )


def elsewhere(**settings):
    """The environment of another process on the test database: a second
    worker or node (debug mode only for its static files' names, as tests
    run no collectstatic)."""
    return {
        "PATH": os.environ["PATH"],
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": url_of_the_test_database(),
        **settings,
    }


def wait_until(condition, seconds=5):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


class RedisProxy:
    """A TCP proxy to the real Redis that can stall, or refuse, like a sick server.

    Stalled, it accepts connections and reads what is sent, and answers
    nothing: what a hung Redis or a dead network path looks like. Stopped,
    it closes every connection. Resumed, it passes traffic through again.
    """

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.stalled = False
        self.sockets = []
        self.lock = threading.Lock()
        threading.Thread(target=self.accept, daemon=True).start()

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/{REDIS_DB}"

    def accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                self.sockets.append(client)
            if self.stalled:
                threading.Thread(
                    target=self.swallow, args=(client,), daemon=True
                ).start()
                continue
            upstream = socket.create_connection(("127.0.0.1", REDIS_PORT))
            with self.lock:
                self.sockets.append(upstream)
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(
                    target=self.pipe, args=(source, target), daemon=True
                ).start()

    def swallow(self, client):
        while True:
            try:
                if not client.recv(65536):
                    return
            except OSError:
                return

    def pipe(self, source, target):
        while True:
            try:
                data = source.recv(65536)
                if not data or self.stalled:
                    break
                target.sendall(data)
            except OSError:
                break
        for end in (source, target):
            end.close()

    def stall(self):
        """From now on nothing answers; connections stay open and silent."""
        self.stalled = True

    def resume(self):
        """Drop the stalled connections; new ones reach Redis again."""
        self.stalled = False
        with self.lock:
            sockets, self.sockets = self.sockets, []
        for sock in sockets:
            sock.close()

    def close(self):
        self.listener.close()
        self.resume()


@pytest.fixture
def redis_proxy():
    proxy = RedisProxy()
    yield proxy
    proxy.close()


def redis_settings(location):
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": location,
        "KEY_PREFIX": "embassy",
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
    }


@pytest.fixture
def redis_cache(settings, redis_proxy):
    """Redis as the shared cache, through a proxy the test may stall."""
    settings.CACHES = {**settings.CACHES, "default": redis_settings(redis_proxy.url)}
    redis.Redis(port=REDIS_PORT, db=REDIS_DB).flushdb()
    yield redis_proxy
    generation_follower().stop()
    redis.Redis(port=REDIS_PORT, db=REDIS_DB).flushdb()
    caches["local"].clear()
