from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from .models import SiteIdentity


@admin.register(SiteIdentity)
class SiteIdentityAdmin(TranslationAdmin):
    list_display = ["full_name", "short_name"]
    autocomplete_fields = ["emblem"]

    def has_add_permission(self, request):
        return not SiteIdentity.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
