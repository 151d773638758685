"""Caching of public pages, invalidated by every change to public content.

Every cached entry's key holds the *content generation*, a token kept in the
shared cache (Redis in production) and replaced whenever a statement, speaker,
topic, turn, counter, clock or contact line is saved or deleted, by the admin,
its bulk actions or the importer, and when a scheduled statement's time comes.
A change made by one server process thus retires the pages cached by all of
them at once.

Views decorated with ``cache_public_page`` mark their anonymous responses as
public; ``PublicPageCacheMiddleware``, first in the middleware list, stores
them. ``CachedPageFront``, the WSGI application around Django's, answers later
requests for the same URL straight from the cache, before Django is reached
(the middleware answers those that come another way, such as the test
client's). A copy is also kept in each process's memory (under the same
generation, so it is retired with the shared one).

A cached page is stored without regard to its header: the header (today's date,
the clocks, the day counters) sits between two markers and is put in afresh
for every request, so a cached page never shows a stale time or day count.
"""

import contextlib
import datetime
import functools
import hashlib
import logging
import os
import threading
import time
import uuid
from http import HTTPStatus

from django.conf import settings
from django.core.cache import cache, caches
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.db import DatabaseError, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

from embassy.cache import ReusedClientRedisCache

logger = logging.getLogger(__name__)

# The token and the next scheduled publication time; ":2" for that shape.
GENERATION_KEY = "content-generation:2"
# Where a new generation is announced (see ``GenerationFollower``).
GENERATION_CHANNEL = "embassy:content-generation"
RESUBSCRIBE_SECONDS = 1
PING_AFTER_SECONDS = 5
# Stored pages; ":2" for the shape ``stored_entry`` gives them.
PAGE_KEY_PREFIX = "page:2"
HEADER_START, HEADER_END = b"<!--site-header-->", b"<!--/site-header-->"
# Set by ``cache_public_page`` on a response the middleware may store.
PUBLIC_PAGE_HEADER = "X-Public-Page"
# Headers worked out again for each answer from the cache.
PER_ANSWER_HEADERS = {"content-length", "etag", "cache-control"}
# What a 304 answer repeats of the page's headers (RFC 9110, 15.4.5).
KEPT_ON_304 = {"vary", "etag", "cache-control", "content-location", "expires"}


def next_scheduled_publication():
    from .models import Statement

    return (
        Statement.objects.filter(
            status=Statement.Status.PUBLISHED, published_at__gt=timezone.now()
        )
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )


# The newest token this process has seen (see ``content_generation``).
_newest_seen = ""


def _new_generation(previous=None):
    """A new token, later than any before it, and the next scheduled time.

    The time is the earlier of the one found now and the one carried so far,
    so that a rolled-back transaction or a concurrent change cannot make a
    scheduled publication go unnoticed (a spare rollover costs only a render).
    """
    upcoming = next_scheduled_publication()
    if (
        previous is not None
        and previous[1]
        and (upcoming is None or previous[1] < upcoming)
    ):
        upcoming = previous[1]
    # Tokens sort by time; past this process's newest even if its clock is not.
    number = max(time.time_ns(), int(_newest_seen[:20] or 0) + 1)
    generation = (f"{number:020d}{uuid.uuid4().hex[:8]}", upcoming)
    cache.set(GENERATION_KEY, generation, timeout=None)
    if follower := generation_follower():
        follower.generation = generation
        cache.redis().publish(GENERATION_CHANNEL, "")
    return generation


def content_generation():
    """The current generation's token.

    A new one once a scheduled time comes, and one if the cache hands back a
    token older than one this process has already seen: a cache restored from
    an old snapshot must not bring back pages retired since.
    """
    global _newest_seen
    follower = generation_follower()
    if follower and follower.subscribed:
        generation = follower.generation
    else:
        generation = cache.get(GENERATION_KEY)
    if (
        generation is None
        or (generation[1] and generation[1] <= timezone.now())
        or generation[0] < _newest_seen
    ):
        generation = _new_generation(generation)
    _newest_seen = max(_newest_seen, generation[0])
    return generation[0]


class GenerationFollower(threading.Thread):
    """This process's copy of the generation in Redis, kept current by pub/sub.

    It saves a round trip to Redis for every page answered from the cache,
    which is a third of what such an answer costs. A new generation is
    announced on ``GENERATION_CHANNEL`` once stored; the thread then reads it
    afresh. It reads it once subscribed too, so that nothing announced before
    is missed. While it is not subscribed (Redis restarting, say), the
    generation is read from Redis for every request, as without it.
    """

    def __init__(self):
        super().__init__(daemon=True, name="generation-follower")
        # Its own, bound to the Redis it was started for.
        self.cache = caches.create_connection("default")
        self.generation = None
        self.subscribed = False

    def run(self):
        while True:
            try:
                self.follow()
            except RedisError:
                if self.subscribed:  # Once per outage, not once a second.
                    logger.warning("Lost the content generation's channel")
            finally:
                self.subscribed = False
            time.sleep(RESUBSCRIBE_SECONDS)

    def follow(self):
        with self.cache.redis().pubsub() as pubsub:
            pubsub.subscribe(GENERATION_CHANNEL)
            pinged = False
            while True:
                message = pubsub.get_message(timeout=PING_AFTER_SECONDS)
                if message is None:
                    # All quiet: a connection cut without a word would look the same.
                    if pinged:
                        raise RedisConnectionError("Redis does not answer")
                    pubsub.ping()
                    pinged = True
                    continue
                pinged = False
                if message["type"] in ("subscribe", "message"):
                    # What Redis holds, even if older than the one held: from a
                    # process whose clock is behind, or from a restored snapshot,
                    # which ``content_generation`` replaces.
                    self.generation = self.cache.get(GENERATION_KEY)
                    self.subscribed = True


_followers = {}
_followers_lock = threading.Lock()


def generation_follower():
    """The running ``GenerationFollower`` of this process, if the cache is Redis."""
    if not isinstance(caches["default"], ReusedClientRedisCache):
        return None
    key = (os.getpid(), settings.CACHES["default"]["LOCATION"])
    follower = _followers.get(key)
    if follower is None:
        with _followers_lock:
            follower = _followers.get(key)
            if follower is None:
                follower = _followers[key] = GenerationFollower()
                follower.start()
    return follower


def public_content_changed(**kwargs):
    """Retire every cached page; a signal receiver, also called directly.

    Again once the transaction commits, so that no page rendered from the data
    before the change is cached under the new generation in the meantime.
    """
    _retire_pages()
    transaction.on_commit(_retire_pages)


def _retire_pages():
    try:
        _new_generation(cache.get(GENERATION_KEY))
    except RedisError:
        logger.exception("Cannot retire cached pages: the cache is unavailable")


def generation_if_available():
    """The content generation, or None while the cache is unavailable."""
    try:
        return content_generation()
    except RedisError:
        return None


# Values computed for the current generation, kept by this process too.
_computed = {"generation": None, "values": {}}
COMPUTED_LIMIT = 20_000


def _computed_values(generation):
    if (
        _computed["generation"] != generation
        or len(_computed["values"]) > COMPUTED_LIMIT
    ):
        _computed.update(generation=generation, values={})
    return _computed["values"]


def cached_for_generation(name, compute, timeout=None):
    """``compute()``, cached until the content changes (or ``timeout`` passes).

    Kept in this process's memory as well, for as long as its generation
    lasts. Computed afresh when the cache is unavailable.
    """
    return cached_many_for_generation([name], lambda names: {name: compute()}, timeout)[
        name
    ]


def cached_many_for_generation(names, compute_missing, timeout=None):
    """``{name: value}`` for ``names``, cached like ``cached_for_generation``.

    One round trip to the shared cache for all of them; ``compute_missing``
    takes the names found in neither cache and returns their values.
    """
    timeout = timeout or settings.PAGE_CACHE_SECONDS
    try:
        generation = timeout and content_generation()
    except RedisError:
        generation = None
    if not generation:
        return compute_missing(names)
    values = _computed_values(generation)
    missing = {f"{name}:{generation}": name for name in names if name not in values}
    if missing:
        try:
            shared = cache.get_many(missing)
        except RedisError:
            shared = {}
        values.update((missing.pop(key), value) for key, value in shared.items())
    if missing:
        computed = compute_missing(list(missing.values()))
        # Without the shared cache, kept by this process only.
        with contextlib.suppress(RedisError):
            cache.set_many(
                {key: computed[name] for key, name in missing.items()}, timeout
            )
        values.update(computed)
    return {name: values[name] for name in names}


def browser_lifetime(now):
    """Short, and never past London midnight, when the day counters change."""
    local = timezone.localtime(now)
    midnight = (local + datetime.timedelta(days=1)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return max(0, min(settings.HTTP_MAX_AGE, int((midnight - local).total_seconds())))


def page_key(request):
    """Scheme, host (checked against ALLOWED_HOSTS), path and query string."""
    return hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()


def page_etag(generation, key, now):
    """Changes with the content and the header's minute, not with the seconds."""
    return f'"{generation[:12]}-{key[:16]}-{now:%Y%m%d%H%M}"'


def mark_public(response, request, now):
    # The generation the page was rendered under, not a newer one.
    generation = getattr(request, "page_generation", None) or generation_if_available()
    if generation is None:
        return
    response[PUBLIC_PAGE_HEADER] = "1"
    response["ETag"] = page_etag(generation, page_key(request), now)
    patch_cache_control(response, public=True, max_age=browser_lifetime(now))


def cache_public_page(view, params=()):
    """Let the page cache store this view's answers to anonymous visitors.

    Only for query strings made of ``params``: any other parameter would let
    anyone fill the cache with copies of one page.
    """

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if (
            settings.PAGE_CACHE_SECONDS
            and response.status_code == 200
            and not request.user.is_authenticated
            and set(request.GET) <= set(params)
        ):
            mark_public(response, request, timezone.now())
        return response

    return wrapped


def may_answer_from_cache(request):
    return (
        settings.PAGE_CACHE_SECONDS
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path_info.startswith(settings.STATIC_URL)
    )


def look_up(request):
    """``(answer, generation, key)`` for a request, from the page cache.

    ``answer`` is ``(status, headers, body)`` when the cache holds the page;
    otherwise ``generation`` and ``key`` say where to store it. All three are
    None when the cache may not answer: a visitor who is signed in (or may
    be), a host not allowed (Django answers 400), or the cache or the database
    down (the view shows what is down: a 503 for the database; without the
    cache, the page is rendered each time).
    """
    if not may_answer_from_cache(request):
        return None, None, None
    try:
        generation = content_generation()
        key = page_key(request)
        storage_key = f"{PAGE_KEY_PREFIX}:{generation}:{key}"
        entry = caches["local"].get(storage_key)
        if entry is None:
            entry = cache.get(storage_key)
            if entry is not None:
                caches["local"].set(storage_key, entry, settings.PAGE_CACHE_SECONDS)
        answer = entry and answer_from_entry(request, entry, generation, key)
    except (DatabaseError, RedisError, DisallowedHost):
        return None, None, None
    return answer, generation, storage_key


def answer_from_entry(request, entry, generation, key):
    """The stored page, with a fresh header, or 304 if the visitor has it."""
    from counters.context_processors import header_html

    now = timezone.now()
    etag = page_etag(generation, key, now)
    headers, page_parts = entry
    headers = [
        *headers,
        ("ETag", etag),
        ("Cache-Control", f"public, max-age={browser_lifetime(now)}"),
    ]
    if etag in parse_etags(request.headers.get("If-None-Match", "")):
        kept = [(name, value) for name, value in headers if name.lower() in KEPT_ON_304]
        return 304, kept, b""
    if len(page_parts) == 2:
        # Only the header needs the database, once a minute.
        before, after = page_parts
        body = before + header_html(now, generation).encode() + after
    else:
        (body,) = page_parts
    return 200, [*headers, ("Content-Length", str(len(body)))], body


def stored_entry(response):
    """What the cache keeps of a page: its headers, and the page around its header."""
    headers = [
        (name, value)
        for name, value in response.items()
        if name.lower() not in PER_ANSWER_HEADERS
    ]
    body = response.content
    start = body.find(HEADER_START)
    end = body.find(HEADER_END, start)
    if start < 0 or end < 0:
        return headers, (body,)
    return headers, (body[: start + len(HEADER_START)], body[end:])


class PublicPageCacheMiddleware:
    """Answers anonymous requests for public pages from the cache, or stores them.

    First in the list, so that what it stores carries every other
    middleware's headers. ``CachedPageFront`` answers most of these requests
    before Django is reached; this answers the rest (the test client's too).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        answer, generation, key = look_up(request)
        if answer is not None:
            status, headers, body = answer
            return HttpResponse(body, status=status, headers=headers)
        if key is None:
            response = self.get_response(request)
            response.headers.pop(PUBLIC_PAGE_HEADER, None)
            return response
        request.page_generation = generation
        return self.store(key, self.get_response(request))

    def store(self, key, response):
        public = response.headers.pop(PUBLIC_PAGE_HEADER, None)
        if public and response.status_code == 200 and not response.cookies:
            entry = stored_entry(response)
            try:
                cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
            except RedisError:
                return response
            caches["local"].set(key, entry, settings.PAGE_CACHE_SECONDS)
        return response


class CachedPageFront:
    """The WSGI application: pages the cache holds, answered before Django.

    For a page already rendered, Django's request handling and middleware
    would cost several times what the answer itself does. Anything the cache
    does not answer goes on to ``application``, Django's own.
    """

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        answer, _, _ = look_up(WSGIRequest(environ))
        if answer is None:
            return self.application(environ, start_response)
        status, headers, body = answer
        start_response(f"{status} {HTTPStatus(status).phrase}", headers)
        return [body]
