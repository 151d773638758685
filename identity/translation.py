from modeltranslation.translator import TranslationOptions, register

from .models import SiteIdentity


@register(SiteIdentity)
class SiteIdentityTranslation(TranslationOptions):
    fields = ("full_name", "short_name", "description", "address")
