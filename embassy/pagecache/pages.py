"""Public pages stored under the content generation and answered over HTTP.

Views wrapped in ``public_page`` mark their answers to anonymous visitors as
public; ``PageCacheMiddleware``, first in the middleware list, stores them
with every header the others add. ``CachedPageFront``, the WSGI application
around Django's, answers later requests for the same URL before Django is
reached (the middleware answers those that come another way, such as the
test client's). Both answer conditional requests through Django's own
``get_conditional_response``, so they answer alike.

A page is stored without its fill-in (the header: today's date, the clocks,
the day counters), which sits between two markers and is put in afresh for
every answer, in the page's language (its Content-Language), by the function
registered with ``register_fill_in``. Each language's pages have their own
addresses (/ru/...), so a page's address says its language.
"""

import datetime
import functools
import hashlib
import logging
from http import HTTPStatus
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.db import DatabaseError
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control

from embassy.middleware import database_unavailable

from .generation import (
    REDIS_ERRORS,
    current,
    held_for_request,
    redis_failed,
    shared_cache,
)

logger = logging.getLogger(__name__)

PAGE_KEY_PREFIX = "page:3"
FILL_IN_START, FILL_IN_END = b"<!--fill-in-->", b"<!--/fill-in-->"
# Set by ``public_page`` on a response the middleware may store.
PUBLIC_PAGE_HEADER = "X-Public-Page"
# Where the front leaves the generation of a page it did not hold (a name no
# HTTP header can take), so that the middleware does not look again.
MISSED = "embassy.pagecache.missed"
# What makes a request conditional (RFC 9110, 13.1).
CONDITIONAL_HEADERS = (
    "HTTP_IF_MATCH",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_UNMODIFIED_SINCE",
)
# Headers worked out again for each answer from the cache.
PER_ANSWER_HEADERS = {"content-length", "etag", "cache-control"}

_fill_in = {"render": None}


def register_fill_in(render):
    """``render(now, generation)`` gives the markup between the fill-in markers."""
    _fill_in["render"] = render


def fill_in(now, generation=None, language=None):
    """The fill-in for ``now``, in ``language`` (a page's Content-Language)."""
    render = _fill_in["render"]
    if render is None:
        return ""
    if language is None:
        return render(now, generation)
    with translation.override(language):
        return render(now, generation)


def page_language(headers):
    return next(
        (value for name, value in headers if name.lower() == "content-language"), None
    )


def browser_lifetime(now):
    """Short, and never past London midnight, when the day counters change."""
    local = timezone.localtime(now)
    midnight = (local + datetime.timedelta(days=1)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return max(0, min(settings.HTTP_MAX_AGE, int((midnight - local).total_seconds())))


def url_key(request):
    """Scheme, host (checked against ALLOWED_HOSTS), path and query string."""
    return hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()


def page_etag(generation, key, now):
    """New with every version of the content, and with the header's minute."""
    return f'"{generation.key}-{key[:16]}-{now:%Y%m%d%H%M}"'


def canonical_query(request, params):
    """The query string of ``params`` in their order, without empty values."""
    return urlencode(
        [
            (name, value)
            for name in params
            for value in request.GET.getlist(name)
            if value
        ]
    )


def public_page(view, params=()):
    """Let the page cache store this view's answers to anonymous visitors.

    Only for query strings made of ``params``, in their order, and without
    empty values: any other would let anyone fill the cache with copies of
    one page (such a request is answered, but not stored).
    """

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        generation = getattr(request, "page_generation", None)
        if (
            generation
            and response.status_code == 200
            and not request.user.is_authenticated
            and request.META.get("QUERY_STRING", "") == canonical_query(request, params)
        ):
            now = timezone.now()
            response[PUBLIC_PAGE_HEADER] = "1"
            response["ETag"] = page_etag(generation, url_key(request), now)
            patch_cache_control(response, public=True, max_age=browser_lifetime(now))
        return response

    return wrapped


def may_answer_from_cache(request):
    return (
        settings.PAGE_CACHE_SECONDS
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path_info.startswith(settings.STATIC_URL)
    )


def _storage_key(generation, key):
    return f"{PAGE_KEY_PREFIX}:{generation.key}:{key}"


def get_entry(generation, key):
    storage_key = _storage_key(generation, key)
    entry = caches["local"].get(storage_key)
    if entry is None and (shared := shared_cache()):
        try:
            entry = shared.get(storage_key)
        except REDIS_ERRORS:
            redis_failed()
        if entry is not None:
            caches["local"].set(storage_key, entry, settings.PAGE_CACHE_SECONDS)
    return entry


def put_entry(generation, key, entry):
    storage_key = _storage_key(generation, key)
    caches["local"].set(storage_key, entry, settings.PAGE_CACHE_SECONDS)
    if shared := shared_cache():
        try:
            shared.set(storage_key, entry, settings.PAGE_CACHE_SECONDS)
        except REDIS_ERRORS:
            redis_failed()


def look_up(request):
    """``(answer, generation)`` for a request the cache may answer.

    ``answer`` is ``(status, headers, body)`` when the cache holds the page
    (or the database is down: a 503); otherwise ``generation`` says where to store
    it. Both are None when the cache may not answer: a visitor who is signed
    in (or may be), or a host not allowed (Django answers 400).
    """
    if not may_answer_from_cache(request):
        return None, None
    if MISSED in request.META:
        # The front looked already: Django's turn, under that generation.
        return None, request.META[MISSED]
    try:
        key = url_key(request)
        generation = current()
    except DisallowedHost:
        return None, None
    except DatabaseError:
        # Before Django's middleware: the address says the page's language.
        language = translation.get_language_from_path(request.path_info)
        with translation.override(language or settings.LANGUAGE_CODE):
            unavailable = database_unavailable()
        return (503, list(unavailable.items()), unavailable.content), None
    entry = get_entry(generation, key)
    if entry is None:
        return None, generation
    return answer_from_entry(request, entry, generation, key), generation


def answer_from_entry(request, entry, generation, key):
    """The stored page with a fresh fill-in, or what a conditional request asks.

    As ``(status, headers, body)``: building an ``HttpResponse`` cost a third
    of a cached answer, so it is built only for conditional requests.
    """
    now = timezone.now()
    headers, page_parts = entry
    etag = page_etag(generation, key, now)
    headers = [
        *headers,
        ("ETag", etag),
        ("Cache-Control", f"public, max-age={browser_lifetime(now)}"),
    ]
    if any(name in request.META for name in CONDITIONAL_HEADERS):
        response = HttpResponse(headers=headers)
        conditional = get_conditional_response(request, etag=etag, response=response)
        if conditional is not response:
            # A 304 or 412, with the page's other headers, as Django's has.
            for name, value in headers:
                if name.lower() != "content-type":
                    conditional.headers.setdefault(name, value)
            return conditional.status_code, list(conditional.items()), b""
    if len(page_parts) == 2:
        before, after = page_parts
        language = page_language(headers)
        body = before + fill_in(now, generation, language).encode() + after
    else:
        (body,) = page_parts
    return 200, [*headers, ("Content-Length", str(len(body)))], body


def stored_entry(response):
    """What the cache keeps of a page: its headers, and the page around its fill-in."""
    headers = [
        (name, value)
        for name, value in response.items()
        if name.lower() not in PER_ANSWER_HEADERS
    ]
    body = response.content
    start = body.find(FILL_IN_START)
    end = body.find(FILL_IN_END, start)
    if start < 0 or end < 0:
        return headers, (body,)
    return headers, (body[: start + len(FILL_IN_START)], body[end:])


class PageCacheMiddleware:
    """Answers anonymous requests for public pages from the cache, or stores them.

    First in the list, so that what it stores carries every other
    middleware's headers. ``CachedPageFront`` answers most of these requests
    before Django is reached; this answers the rest (the test client's too).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        answer, generation = look_up(request)
        if answer is not None:
            status, headers, body = answer
            return HttpResponse(body, status=status, headers=headers)
        request.page_generation = generation
        if generation is None:
            response = self.get_response(request)
        else:
            with held_for_request(generation):
                response = self.get_response(request)
        public = response.headers.pop(PUBLIC_PAGE_HEADER, None)
        if response.cookies:
            # A cookie is one visitor's, whatever the view said of the page.
            patch_cache_control(response, private=True)
        elif public and generation:
            put_entry(generation, url_key(request), stored_entry(response))
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
        answer, generation = look_up(WSGIRequest(environ))
        if answer is None:
            if generation is not None:
                environ[MISSED] = generation
            return self.application(environ, start_response)
        status, headers, body = answer
        start_response(f"{status} {HTTPStatus(status).phrase}", headers)
        return [body]
