import datetime
import logging

from django.conf import settings
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30

# What pages drawn without the database may say (the site's name): given by
# the app that knows it, with ``register_offline_context``.
_offline_context = {"source": dict}


def register_offline_context(source):
    """``source()`` gives the context of pages drawn without the database."""
    _offline_context["source"] = source


def offline_context():
    return _offline_context["source"]()


class DatabaseUnavailableMiddleware:
    """A 503 with a friendly page while the database cannot be reached.

    The connection that failed is closed at the end of the request (Django
    discards connections that raised), so the next request tries afresh and
    the site recovers by itself when the database is back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning("Database unavailable: %s", exception)
        return database_unavailable()


def database_unavailable():
    """The 503 page, drawn without the database."""
    # No request, so no context processors: they would query the database.
    response = HttpResponse(render_to_string("503.html", offline_context()), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


class SessionLimits:
    """Staff sessions end after an idle time, and at the latest two weeks in.

    Each answer from the admin moves the session's expiry to
    ``SESSION_IDLE_SECONDS`` later, but never past ``SESSION_COOKIE_AGE`` after
    signing in. The session store itself refuses an expired session, on public
    pages (staff preview) as much as in the admin. Public pages never touch the
    session here, so they stay cacheable.
    """

    SIGNED_IN_AT = "signed_in_at"

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_path = "/" + settings.ADMIN_URL

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(self.admin_path) and request.user.is_authenticated:
            now = timezone.now()
            session = request.session
            signed_in_at = session.setdefault(self.SIGNED_IN_AT, now.timestamp())
            session.set_expiry(
                min(
                    now + datetime.timedelta(seconds=settings.SESSION_IDLE_SECONDS),
                    datetime.datetime.fromtimestamp(signed_in_at, datetime.UTC)
                    + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE),
                )
            )
        return response
