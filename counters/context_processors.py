from django.utils import timezone

from .models import Clock, ContactLine, TrackedIncident


def site_header(request):
    """Today's date, the clocks, contact lines and counters, from one moment."""
    now = timezone.now()
    today = timezone.localdate(now)
    incidents = TrackedIncident.objects.active().select_related("topic")
    return {
        "site_header": {
            "now": now,
            "today": today,
            "clocks": Clock.objects.all(),
            "contact_lines": ContactLine.objects.all(),
            "counters": [
                (incident, incident.days_since(today)) for incident in incidents
            ],
        }
    }
