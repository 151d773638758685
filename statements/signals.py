"""Keep search vectors and cached pages in step with every saved change."""

from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_migrate,
    post_save,
)

from counters.models import Clock, ContactLine, TrackedIncident

from .caching import public_content_changed
from .models import Correction, Speaker, Statement, StatementSpeaker, Topic, Turn
from .search import refresh_search_vectors

PUBLIC_CONTENT = [
    Statement,
    Correction,
    StatementSpeaker,
    Turn,
    Speaker,
    Topic,
    TrackedIncident,
    Clock,
    ContactLine,
]


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
    for model in PUBLIC_CONTENT:
        post_save.connect(public_content_changed, sender=model)
        post_delete.connect(public_content_changed, sender=model)
    m2m_changed.connect(public_content_changed, sender=Statement.topics.through)
    # A deploy may change templates or models: pages cached before it retire.
    post_migrate.connect(public_content_changed, dispatch_uid="retire-pages")
