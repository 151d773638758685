import pytz
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils import timezone, translation
from modeltranslation.utils import build_localized_fieldname

from .plurals import agreeing, form_error


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
            "Shown after the number. Write the words that change with the "
            "number in braces, one form for each of the language's plural "
            'forms, separated by "|". English has two (one, other): "{day has '
            'passed|days have passed} since the Salisbury incident"; Russian '
            'three (one, few, many): "{день прошёл|дня прошло|дней прошло} с '
            'момента ...". The site picks the form for the number.'
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
        errors = {}
        if self.happened_on and self.happened_on > timezone.localdate():
            errors["happened_on"] = (
                "The date is after today: a counter counts the days "
                "since something happened."
            )
        for code, _name in settings.LANGUAGES:
            field = build_localized_fieldname("sentence", code)
            error = form_error(getattr(self, field) or "", code)
            if error:
                errors[field] = error
        if errors:
            raise ValidationError(errors)

    def wording(self, days):
        """The sentence in the page's language (else English), agreeing with
        ``days``."""
        language = translation.get_language()
        text = getattr(self, build_localized_fieldname("sentence", language), None)
        if not text:
            language = settings.LANGUAGE_CODE
            text = getattr(self, build_localized_fieldname("sentence", language))
        return agreeing(text, days, language)

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
