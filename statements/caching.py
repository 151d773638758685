"""Caching of public pages, invalidated by every change to public content.

Every cached entry's key holds the *content generation*, a number kept in the
shared cache (Redis in production) and replaced whenever a statement, speaker,
topic, turn, counter, clock or contact line is saved or deleted, by the admin,
its bulk actions or the importer. A change made by one server process thus
retires the pages cached by all of them at once.

A cached page is stored without regard to its header: the header (today's date,
the clocks, the day counters) sits between two markers and is rendered afresh
for every request, so a cached page never shows a stale time or day count.
"""

import datetime
import functools
import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_cache_control

GENERATION_KEY = "content-generation"
HEADER_START, HEADER_END = "<!--site-header-->", "<!--/site-header-->"
NO_SCHEDULED = "none"


def content_generation():
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def _new_generation():
    cache.set(GENERATION_KEY, time.time_ns(), timeout=None)


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


def page_lifetime():
    """Seconds a page may be cached: until a scheduled statement appears, at most."""
    from .models import Statement

    now = timezone.now()
    next_time = cache.get(f"next-scheduled:{content_generation()}")
    if next_time is None or (next_time != NO_SCHEDULED and next_time <= now):
        upcoming = (
            Statement.objects.filter(
                status=Statement.Status.PUBLISHED, published_at__gt=now
            )
            .order_by("published_at")
            .values_list("published_at", flat=True)
            .first()
        )
        next_time = upcoming or NO_SCHEDULED
        cache.set(f"next-scheduled:{content_generation()}", next_time, None)
    lifetime = settings.PAGE_CACHE_SECONDS
    if next_time != NO_SCHEDULED:
        lifetime = min(lifetime, int((next_time - now).total_seconds()) + 1)
    return lifetime


def browser_lifetime():
    """Short, and never past London midnight, when the day counters change."""
    now = timezone.localtime()
    midnight = (now + datetime.timedelta(days=1)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return max(0, min(settings.HTTP_MAX_AGE, int((midnight - now).total_seconds())))


def _page_key(request):
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"page:{content_generation()}:{path}"


def refresh_header(request, content):
    """Replace the header between the markers with one rendered for now."""
    from counters.context_processors import site_header

    start = content.find(HEADER_START)
    end = content.find(HEADER_END, start)
    if start < 0 or end < 0:
        return content
    header = render_to_string(
        "counters/_site_header.html", {"header": site_header(request)["site_header"]}
    )
    return content[: start + len(HEADER_START)] + header + content[end:]


def cache_public_page(view):
    """Serve anonymous GET requests from the shared cache; see the module docstring."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if (
            not settings.PAGE_CACHE_SECONDS
            or request.method not in ("GET", "HEAD")
            or request.user.is_authenticated
        ):
            return view(request, *args, **kwargs)
        key = _page_key(request)
        cached = cache.get(key)
        if cached is not None:
            response = HttpResponse(
                refresh_header(request, cached), content_type="text/html; charset=utf-8"
            )
        else:
            response = view(request, *args, **kwargs)
            if response.status_code != 200:
                return response
            if hasattr(response, "render"):
                response.render()
            cache.set(key, response.content.decode(), page_lifetime())
        patch_cache_control(response, public=True, max_age=browser_lifetime())
        return response

    return wrapped
