"""The content generation: which version of the public content pages show.

The database is its authority: one ``Generation`` row, bumped in the same
transaction as every change to public content (``retire_pages``), and rolled
over when content scheduled earlier becomes public. Every process on every
node reads the same row, so a change is never lost whatever happens to Redis.

Reading the row costs a query, which is most of what a page from the cache
costs. Where Redis is configured, a ``GenerationFollower`` thread in each
process keeps a copy instead: it reads the row again whenever a new
generation is announced on a Redis channel, and every ``POLL_SECONDS`` in
case an announcement was lost. While it is not listening (Redis stalled or
down), requests read the row themselves.
"""

import logging
import os
import secrets
import threading
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache import caches
from django.db import DatabaseError, connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django_redis import get_redis_connection
from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

from .models import Generation

logger = logging.getLogger(__name__)

CHANNEL = "embassy:content-generation"
POLL_SECONDS = 2
RESUBSCRIBE_SECONDS = 1
REDIS_ERRORS = (RedisError, ConnectionInterrupted)

# Functions of ``now`` giving the next time content becomes public by itself.
_schedules = []


def register_schedule(next_publication):
    """Have the generation roll over when ``next_publication(now)`` comes."""
    _schedules.append(next_publication)


def _next_scheduled(now):
    return min(filter(None, (source(now) for source in _schedules)), default=None)


def _locked_row():
    row, _ = Generation.objects.select_for_update().get_or_create(pk=1)
    return row


def _replace(row, next_change):
    row.number += 1
    row.token = secrets.token_hex(6)
    row.next_change = next_change
    row.save()
    transaction.on_commit(lambda: _announce(row))
    return row


def retire_on_change(*models):
    """Saving or deleting one of ``models``, or changing its links, retires pages."""
    for model in models:
        post_save.connect(retire_pages, sender=model, weak=False)
        post_delete.connect(retire_pages, sender=model, weak=False)
        m2m_changed.connect(retire_pages, sender=model, weak=False)


def retire_pages(**kwargs):
    """Retire every cached page, as part of the current transaction.

    A signal receiver too. A scheduled time already known and still to come
    is kept, in case a concurrent change schedules something this
    transaction cannot see yet; one that has passed is never carried (a
    spare rollover costs only a render; a past time would roll over forever).
    """
    now = timezone.now()
    with transaction.atomic():
        row = _locked_row()
        upcoming = [_next_scheduled(now)]
        if row.next_change and row.next_change > now:
            upcoming.append(row.next_change)
        return _replace(row, min(filter(None, upcoming), default=None))


def _roll_over_if_due(now):
    with transaction.atomic():
        row = _locked_row()
        if row.next_change and row.next_change <= now:
            row = _replace(row, _next_scheduled(now))
    return row


def _read():
    row = Generation.objects.filter(pk=1).first()
    return row or retire_pages()


# The generation a request is being answered under, once read for it.
_this_request = ContextVar("content_generation_of_this_request", default=None)


@contextmanager
def held_for_request(row):
    """Within it, ``current()`` gives ``row`` without reading it again.

    Without Redis, every read is a query, and a page's memos (filter choices,
    header, match count) would each read it once more.
    """
    token = _this_request.set(row)
    try:
        yield
    finally:
        _this_request.reset(token)


def current():
    """The generation for this request; raises DatabaseError if it cannot be read."""
    if (held := _this_request.get()) is not None:
        return held
    follower = generation_follower()
    row = follower.generation if follower and follower.listening else None
    if row is None:
        row = _read()
    now = timezone.now()
    if row.next_change and row.next_change <= now:
        row = _roll_over_if_due(now)
        if follower:
            follower.adopt(row)
    return row


def _announce(row):
    if follower := generation_follower():
        follower.adopt(row)
        try:
            follower.redis.publish(CHANNEL, row.key)
        except REDIS_ERRORS:
            # The others read the row within POLL_SECONDS all the same.
            follower.lost()


class GenerationFollower(threading.Thread):
    """This process's copy of the generation, kept by a Redis subscription.

    ``listening`` is true while the subscription answers; the page store
    uses Redis only then, so a stalled Redis costs a request at most one
    timeout before every request does without it, until this thread hears
    from Redis again.
    """

    def __init__(self):
        super().__init__(daemon=True, name="generation-follower")
        self.redis = get_redis_connection("default")
        self.generation = None
        self.listening = False
        self.stopped = threading.Event()
        self._behind = 0

    def run(self):
        while not self.stopped.is_set():
            try:
                self.follow()
            except REDIS_ERRORS:
                if self.listening:  # Once per outage, not once a second.
                    logger.warning("Lost the content generation's channel")
            except Exception:
                # Whatever it was, requests read the database meanwhile.
                logger.exception("The content generation's follower failed")
            finally:
                self.listening = False
            self.stopped.wait(RESUBSCRIBE_SECONDS)

    def follow(self):
        with self.redis.pubsub() as pubsub:
            pubsub.subscribe(CHANNEL)
            answered = True
            while not self.stopped.is_set():
                message = pubsub.get_message(timeout=POLL_SECONDS)
                if message is None:
                    # All quiet: a connection cut without a word would look the same.
                    if not answered:
                        raise RedisError("Redis does not answer")
                    pubsub.ping()
                    answered = False
                else:
                    answered = True
                self.refresh()
                self.listening = answered

    def refresh(self):
        try:
            row = _read()
        except DatabaseError:
            # Requests read the row themselves, and find the database down.
            self.generation = None
            return
        finally:
            # Not kept between reads: one connection a process less, and
            # nothing held open that a restart or a DROP DATABASE would wait on.
            connection.close()
        self.adopt(row)

    def adopt(self, row):
        """Take ``row`` unless it is older than the one held.

        An older row may be a read that began before this process's own
        change was committed; twice in a row, it is a database restored from
        a backup, and the database is right.
        """
        held = self.generation
        if held is None or row.number >= held.number or self._behind:
            self.generation, self._behind = row, 0
        else:
            self._behind += 1

    def lost(self):
        """Redis failed a request: do without it until it answers again."""
        self.listening = False

    def stop(self):
        """For a process that lets go of this Redis (its tests do)."""
        self.stopped.set()
        self.listening = False


_followers = {}
_followers_lock = threading.Lock()


def redis_cache():
    """The Redis cache, when one is configured (``REDIS_URL``)."""
    cache = caches["default"]
    return cache if isinstance(cache, RedisCache) else None


def shared_cache():
    """The Redis cache while it answers, else None."""
    follower = generation_follower()
    return redis_cache() if follower and follower.listening else None


def redis_failed():
    """Redis failed a request: do without it until the follower hears it again."""
    logger.warning("Redis failed a request; doing without it", exc_info=True)
    if follower := generation_follower():
        follower.lost()


def generation_follower():
    """The running ``GenerationFollower`` of this process, if the cache is Redis."""
    redis = redis_cache()
    if redis is None:
        return None
    key = (os.getpid(), redis._server)
    follower = _followers.get(key)
    if follower is None:
        with _followers_lock:
            follower = _followers.get(key)
            if follower is None:
                follower = _followers[key] = GenerationFollower()
                follower.start()
    return follower
