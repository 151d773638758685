"""The names shown in each language: a column per language (modeltranslation).

``speaker.name`` reads the page's language, or English when that is empty.
"""

from modeltranslation.translator import TranslationOptions, register

from .models import Speaker, Topic


@register(Speaker)
class SpeakerTranslation(TranslationOptions):
    fields = ("name", "position", "biography")
    # Unique names: an untranslated one is NULL, which never clashes.
    empty_values = {"name": None}


@register(Topic)
class TopicTranslation(TranslationOptions):
    fields = ("name",)
    empty_values = {"name": None}
