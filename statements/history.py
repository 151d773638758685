"""The versions of statements kept by django-simple-history, with their turns."""

from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record

from .models import Statement


@receiver(pre_create_historical_record, sender=Statement.history.model)
def snapshot_full_text(sender, instance, history_instance, **kwargs):
    """Keep the turns with the version (history tracks only the statement's row),
    and the public change note the save added, if any."""
    history_instance.text_snapshot = instance.full_text()
    history_instance.change_note = getattr(instance, "public_change_note", "")


def keep_first_version(statement):
    """Record the stored version of a statement that has no history yet.

    Imported statements, and those saved before history was kept, would
    otherwise lose the version their first correction replaces.
    """
    if statement.history.exists():
        return
    statement._history_user = None  # not known: it predates the history
    Statement.history.bulk_history_create(
        [statement],
        default_date=statement.updated_at,
        custom_historical_attrs={"text_snapshot": statement.full_text()},
    )
