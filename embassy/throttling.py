"""Login throttling: django-axes, locking per user name and per address."""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


class AddressAndUserNameHandler(AxesDatabaseHandler):
    """Axes' own lock (a user name from an address), plus one on the address.

    Axes compares every lockout parameter with one failure limit; trying many
    user names from one address (password spraying) needs a higher limit of
    its own, or colleagues behind one office address would lock each other out.
    Axes locks when the failures reach its limit, so a locked address counts
    as that many.
    """

    def get_failures(self, request, credentials=None):
        failures = super().get_failures(request, credentials)
        if self.address_failures(request) >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            return max(failures, get_failure_limit(request, credentials))
        return failures

    def address_failures(self, request):
        attempts = AccessAttempt.objects.filter(
            ip_address=request.axes_ip_address,
            attempt_time__gte=get_cool_off_threshold(request),
        )
        return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
