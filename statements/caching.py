"""Caching of public pages, invalidated by every change to public content.

Every cached entry's key holds the *content generation*, a token kept in the
shared cache (Redis in production) and replaced whenever a statement, speaker,
topic, turn, counter, clock or contact line is saved or deleted, by the admin,
its bulk actions or the importer, and when a scheduled statement's time comes.
A change made by one server process thus retires the pages cached by all of
them at once.

Views decorated with ``cache_public_page`` mark their anonymous responses as
public; ``PublicPageCacheMiddleware``, first in the middleware list, stores
them and answers later requests for the same URL straight from the cache,
without the rest of the stack. A copy is also kept in each process's memory
(under the same generation, so it is retired with the shared one).

A cached page is stored without regard to its header: the header (today's date,
the clocks, the day counters) sits between two markers and is put in afresh
for every request, so a cached page never shows a stale time or day count.
"""

import datetime
import functools
import hashlib
import logging
import time
import uuid

from django.conf import settings
from django.core.cache import cache, caches
from django.db import DatabaseError, transaction
from django.http import HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# The token and the next scheduled publication time; ":2" for that shape.
GENERATION_KEY = "content-generation:2"
HEADER_START, HEADER_END = "<!--site-header-->", "<!--/site-header-->"
# Set by ``cache_public_page`` on a response the middleware may store.
PUBLIC_PAGE_HEADER = "X-Public-Page"
# Headers worked out again for each answer from the cache.
PER_ANSWER_HEADERS = {"content-length", "etag", "cache-control"}


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
    return generation


def content_generation():
    """The current generation's token.

    A new one once a scheduled time comes, and one if the cache hands back a
    token older than one this process has already seen: a cache restored from
    an old snapshot must not bring back pages retired since.
    """
    global _newest_seen
    generation = cache.get(GENERATION_KEY)
    if (
        generation is None
        or (generation[1] and generation[1] <= timezone.now())
        or generation[0] < _newest_seen
    ):
        generation = _new_generation(generation)
    _newest_seen = max(_newest_seen, generation[0])
    return generation[0]


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


def cached_for_generation(name, compute, timeout=None):
    """``compute()``, cached until the content changes (or ``timeout`` passes).

    Computed afresh when the cache is unavailable.
    """
    try:
        key = f"{name}:{content_generation()}"
        return cache.get_or_set(key, compute, timeout or settings.PAGE_CACHE_SECONDS)
    except RedisError:
        return compute()


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


def with_fresh_header(body, now, generation):
    from counters.context_processors import header_html

    start = body.find(HEADER_START)
    end = body.find(HEADER_END, start)
    if start < 0 or end < 0:
        return body
    return body[: start + len(HEADER_START)] + header_html(now, generation) + body[end:]


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

    wrapped.caches_public_page = True
    return wrapped


class PublicPageCacheMiddleware:
    """Answers anonymous requests for public pages from the cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self.may_answer_from_cache(request):
            return self.uncached(request)
        try:
            generation = content_generation()
            key = f"page:{generation}:{page_key(request)}"
            entry = caches["local"].get(key)
            if entry is None:
                entry = cache.get(key)
                if entry is not None:
                    caches["local"].set(key, entry, settings.PAGE_CACHE_SECONDS)
        except (DatabaseError, RedisError):
            # The view shows what is down: a 503 for the database; without
            # the cache, the page is rendered each time.
            return self.uncached(request)
        if entry is None:
            request.page_generation = generation
            return self.store(key, self.get_response(request))
        try:
            return self.answer(request, entry, generation)
        except DatabaseError:
            # The header needs the database once a minute: the view says it is down.
            return self.uncached(request)

    def uncached(self, request):
        response = self.get_response(request)
        response.headers.pop(PUBLIC_PAGE_HEADER, None)
        return response

    def may_answer_from_cache(self, request):
        if (
            not settings.PAGE_CACHE_SECONDS
            or request.method not in ("GET", "HEAD")
            or settings.SESSION_COOKIE_NAME in request.COOKIES
        ):
            return False
        try:
            view = resolve(request.path_info).func
        except Resolver404:
            return False
        return getattr(view, "caches_public_page", False)

    def store(self, key, response):
        public = response.headers.pop(PUBLIC_PAGE_HEADER, None)
        if public and response.status_code == 200 and not response.cookies:
            headers = [
                (name, value)
                for name, value in response.items()
                if name.lower() not in PER_ANSWER_HEADERS
            ]
            entry = (headers, response.content.decode())
            try:
                cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
            except RedisError:
                return response
            caches["local"].set(key, entry, settings.PAGE_CACHE_SECONDS)
        return response

    def answer(self, request, entry, generation):
        now = timezone.now()
        etag = page_etag(generation, page_key(request), now)
        headers, body = entry
        if etag in parse_etags(request.headers.get("If-None-Match", "")):
            response = HttpResponseNotModified()
            for name, value in headers:
                if name.lower() == "vary":
                    response[name] = value
        else:
            response = HttpResponse(
                with_fresh_header(body, now, generation), headers=headers
            )
        response["ETag"] = etag
        patch_cache_control(response, public=True, max_age=browser_lifetime(now))
        return response
