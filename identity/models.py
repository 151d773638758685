from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SiteIdentity(models.Model):
    """Who the site speaks for: one row, edited in the admin, in every language."""

    full_name = models.CharField(
        _("full name"),
        max_length=200,
        default="Embassy of the Russian Federation to the United Kingdom",
        help_text=_("Shown at the top of every page and as the feeds' author."),
    )
    short_name = models.CharField(
        _("short name"),
        max_length=100,
        default="Russian Embassy in the UK",
        help_text=_(
            "Ends every page title and names the site in links shared on "
            "social networks and in search results."
        ),
    )
    description = models.CharField(
        _("description"),
        max_length=300,
        default="Statements, comments, briefings and transcripts of the Embassy.",
        help_text=_(
            "One line: what the site is. Search engines show it under the home page."
        ),
    )
    emblem = models.ForeignKey(
        "library.Image",
        verbose_name=_("emblem"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "The embassy's emblem or logo, beside its name in every page's "
            "header. A PNG with a transparent background looks best; its "
            "alternative text names the embassy."
        ),
    )
    address = models.TextField(
        _("address"),
        blank=True,
        default="13 Kensington Palace Gardens\nLondon W8 4QX",
        help_text=_("The postal address, one line per line of the envelope."),
    )

    class Meta:
        verbose_name = _("site identity")
        verbose_name_plural = _("site identity")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="one_site_identity")
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.pk = 1  # the one row
        super().save(*args, **kwargs)

    @property
    def address_lines(self):
        return [line.strip() for line in self.address.splitlines() if line.strip()]
