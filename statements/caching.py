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
import uuid

from django.conf import settings
from django.core.cache import cache, caches
from django.db import DatabaseError, transaction
from django.http import HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags

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


def _new_generation():
    generation = (uuid.uuid4().hex, next_scheduled_publication())
    cache.set(GENERATION_KEY, generation, timeout=None)
    return generation


def content_generation():
    """The current generation's token; a new one once a scheduled time comes."""
    generation = cache.get(GENERATION_KEY)
    if generation is None or (generation[1] and generation[1] <= timezone.now()):
        generation = _new_generation()
    return generation[0]


def public_content_changed(**kwargs):
    """Retire every cached page; a signal receiver, also called directly.

    Again once the transaction commits, so that no page rendered from the data
    before the change is cached under the new generation in the meantime.
    """
    _new_generation()
    transaction.on_commit(_new_generation)


def cached_for_generation(name, compute, timeout=None):
    """``compute()``, cached until the content changes (or ``timeout`` passes)."""
    key = f"{name}:{content_generation()}"
    return cache.get_or_set(key, compute, timeout or settings.PAGE_CACHE_SECONDS)


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
    response[PUBLIC_PAGE_HEADER] = "1"
    response["ETag"] = page_etag(content_generation(), page_key(request), now)
    patch_cache_control(response, public=True, max_age=browser_lifetime(now))


def cache_public_page(view):
    """Let the page cache store this view's answers to anonymous visitors."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if (
            settings.PAGE_CACHE_SECONDS
            and response.status_code == 200
            and not request.user.is_authenticated
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
            response = self.get_response(request)
            response.headers.pop(PUBLIC_PAGE_HEADER, None)
            return response
        try:
            generation = content_generation()
        except DatabaseError:
            # Working it out needs the database; the view says it is down.
            return self.get_response(request)
        key = f"page:{generation}:{page_key(request)}"
        entry = caches["local"].get(key)
        if entry is None:
            entry = cache.get(key)
            if entry is None:
                return self.store(key, self.get_response(request))
            caches["local"].set(key, entry, settings.PAGE_CACHE_SECONDS)
        return self.answer(request, entry, generation)

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
            cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
            caches["local"].set(key, entry, settings.PAGE_CACHE_SECONDS)
        return response

    def answer(self, request, entry, generation):
        now = timezone.now()
        etag = page_etag(generation, page_key(request), now)
        if etag in parse_etags(request.headers.get("If-None-Match", "")):
            response = HttpResponseNotModified()
        else:
            headers, body = entry
            response = HttpResponse(
                with_fresh_header(body, now, generation), headers=headers
            )
        response["ETag"] = etag
        patch_cache_control(response, public=True, max_age=browser_lifetime(now))
        return response
