from django import template

from embassy.pagecache.memo import memo

from ..models import Emblem

register = template.Library()


@register.inclusion_tag("library/_emblem.html")
def site_emblem():
    """The embassy's emblem, if one is set; kept until the content changes."""
    return {
        "emblem": memo(
            "site-emblem", lambda: Emblem.objects.select_related("image").first()
        )
    }
