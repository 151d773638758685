from django.db import models


class Generation(models.Model):
    """Which version of the public content cached pages belong to: one row.

    Bumped in the same transaction as every change to public content, so a
    change can never be committed without retiring the pages it makes stale.
    """

    number = models.BigIntegerField(default=0)
    token = models.CharField(max_length=16, default="")
    next_change = models.DateTimeField(
        null=True,
        help_text="When content scheduled earlier next becomes public by itself.",
    )

    def __str__(self):
        return self.key

    @property
    def key(self):
        """Unique to this version, even after the database is restored."""
        return f"{self.number:x}.{self.token}"
