import pytz
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils import timezone


def zone_choices():
    """pytz's curated list; a callable keeps the list out of the migrations."""
    return [(zone, zone) for zone in pytz.common_timezones]


class ActiveQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class TrackedIncident(models.Model):
    title = models.CharField(max_length=200, help_text="For the admin's own lists.")
    happened_on = models.DateField("happened on")
    sentence = models.CharField(
        max_length=500,
        help_text=(
            'Shown after the number, e.g. "days have passed since the Salisbury '
            "incident - no credible information or response from the British "
            'authorities".'
        ),
    )
    topic = models.ForeignKey(
        "statements.Topic",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incidents",
        help_text=(
            "The counter links to this topic's statements, the incident's dossier."
        ),
    )
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(
        "active", default=True, help_text="Only active counters are shown."
    )

    objects = ActiveQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.title

    def clean(self):
        if self.happened_on and self.happened_on > timezone.localdate():
            raise ValidationError(
                {
                    "happened_on": (
                        "The date is after today: a counter counts the days "
                        "since something happened."
                    )
                }
            )

    def days_since(self, today):
        """Whole days from the incident's date to ``today``, never below zero."""
        return max((today - self.happened_on).days, 0)

    @property
    def dossier_url(self):
        """The list of the incident's statements, when it has a topic."""
        if self.topic is None:
            return None
        return self.topic.get_absolute_url()


class Clock(models.Model):
    label = models.CharField(max_length=100, help_text='Shown as is, e.g. "Moscow".')
    zone = models.CharField(
        "time zone",
        max_length=64,
        choices=zone_choices,
        help_text="The IANA zone; daylight saving time follows from it.",
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.label


class ContactLine(models.Model):
    label = models.CharField(max_length=100, help_text='e.g. "Consular queries".')
    value = models.CharField(max_length=200, help_text='e.g. "+44 (0) 203 668 7474".')
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return f"{self.label}: {self.value}"

    @property
    def uri(self):
        """A ``tel:`` link for an international number, ``mailto:`` for an address."""
        value = self.value.strip()
        digits = "".join(ch for ch in value.replace("(0)", "") if ch.isdigit())
        if value.startswith("+") and digits:
            return f"tel:+{digits}"
        try:
            validate_email(value)
        except ValidationError:
            return None
        return f"mailto:{value}"
