"""Keep search vectors and cached pages in step with every saved change."""

from django.db.models.signals import post_delete, post_save

from embassy.pagecache.generation import register_schedule, retire_on_change

from .models import Correction, Speaker, Statement, StatementSpeaker, Topic, Turn
from .search import refresh_search_vectors


def statement_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_search_vectors([instance.pk])


def turn_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_search_vectors([instance.statement_id])


def connect():
    post_save.connect(statement_saved, sender=Statement)
    post_save.connect(turn_changed, sender=Turn)
    post_delete.connect(turn_changed, sender=Turn)
    retire_on_change(
        Statement,
        Correction,
        StatementSpeaker,
        Turn,
        Speaker,
        Topic,
        Statement.topics.through,
    )
    register_schedule(Statement.objects.next_publication)
