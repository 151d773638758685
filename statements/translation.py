"""The names shown in each language: a column per language (modeltranslation).

``speaker.name`` reads the page's language, or English when that is empty.
"""

import functools

from modeltranslation import manager
from modeltranslation.translator import TranslationOptions, register

from .models import Speaker, Topic

# modeltranslation makes a new queryset class each time the manager of a
# model with its own QuerySet (Speaker, Topic, TrackedIncident) is used, and
# such a class lives until the garbage collector's slowest pass: a worker
# grew by megabytes over a few thousand requests. One class per QuerySet
# class does the same job.
_make_class = manager.multilingual_queryset_factory


@functools.cache
def _multilingual_class(queryset_class):
    return _make_class(queryset_class, instantiate=False)


def multilingual_queryset_factory(old_cls, instantiate=True):
    if instantiate:
        return _make_class(old_cls)
    return _multilingual_class(old_cls)


manager.multilingual_queryset_factory = multilingual_queryset_factory


@register(Speaker)
class SpeakerTranslation(TranslationOptions):
    fields = ("name", "position", "biography")
    # Unique names: an untranslated one is NULL, which never clashes.
    empty_values = {"name": None}


@register(Topic)
class TopicTranslation(TranslationOptions):
    fields = ("name",)
    empty_values = {"name": None}
