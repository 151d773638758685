from modeltranslation.translator import TranslationOptions, register

from .models import Clock, ContactLine, TrackedIncident


@register(TrackedIncident)
class TrackedIncidentTranslation(TranslationOptions):
    fields = ("sentence",)


@register(Clock)
class ClockTranslation(TranslationOptions):
    fields = ("label",)


@register(ContactLine)
class ContactLineTranslation(TranslationOptions):
    fields = ("label",)
