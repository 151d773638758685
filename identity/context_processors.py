from django.db import DatabaseError

from embassy.compiled import CompiledQuery
from embassy.pagecache.memo import memo

from .models import SiteIdentity

# Every page reads it, in the same shape: compiled once.
SAVED_IDENTITY = CompiledQuery(
    lambda: SiteIdentity.objects.select_related("emblem").order_by("pk")[:1]
)
# The identity last read, for pages drawn while the database cannot answer.
_last_known = {"identity": None}


def current_identity():
    """The saved identity (its defaults until an editor saves one), kept until
    the content changes."""
    identity = memo(
        "site-identity",
        lambda: (SAVED_IDENTITY() or [SiteIdentity(pk=1)])[0],
    )
    _last_known["identity"] = identity
    return identity


def identity_of(request):
    """The identity, read once per request (a query each time with caching off)."""
    if not hasattr(request, "site_identity"):
        request.site_identity = current_identity()
    return request.site_identity


def identity_without_database():
    """The identity last read in this process, or the defaults: no query."""
    return _last_known["identity"] or SiteIdentity(pk=1)


def site_identity(request):
    """``site``: the embassy's names, description and address (on an error
    page drawn while the database fails, as last read)."""
    try:
        return {"site": identity_of(request)}
    except DatabaseError:
        return {"site": identity_without_database()}
