from django.utils.functional import SimpleLazyObject

from embassy.pagecache.memo import memo

from .models import Emblem


def emblem(request):
    """The site's emblem for the header, or None; kept until the content changes."""
    return {
        "site_emblem": SimpleLazyObject(
            lambda: memo(
                "site-emblem",
                lambda: Emblem.objects.select_related("image").first(),
            )
        )
    }
