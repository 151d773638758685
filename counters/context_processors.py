from django.utils import timezone

from statements.caching import cached_for_generation

from .models import Clock, ContactLine, TrackedIncident


def header_content():
    return {
        "clocks": list(Clock.objects.all()),
        "contact_lines": list(ContactLine.objects.all()),
        "incidents": list(TrackedIncident.objects.active().select_related("topic")),
    }


def site_header(request):
    """Today's date, the clocks, contact lines and counters, from one moment."""
    now = timezone.now()
    today = timezone.localdate(now)
    content = cached_for_generation("site-header", header_content)
    return {
        "site_header": {
            "now": now,
            "today": today,
            "clocks": content["clocks"],
            "contact_lines": content["contact_lines"],
            "counters": [
                (incident, incident.days_since(today))
                for incident in content["incidents"]
            ],
        }
    }
