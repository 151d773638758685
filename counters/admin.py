from django.contrib import admin
from django.utils import timezone
from modeltranslation.admin import TranslationAdmin

from .models import Clock, ContactLine, TrackedIncident


@admin.register(TrackedIncident)
class TrackedIncidentAdmin(TranslationAdmin):
    list_display = ["title", "happened_on", "days_today", "topic", "order", "is_active"]
    list_editable = ["order", "is_active"]
    list_filter = ["is_active"]
    autocomplete_fields = ["topic"]

    @admin.display(description="days today")
    def days_today(self, incident):
        return incident.days_since(timezone.localdate())


@admin.register(Clock)
class ClockAdmin(TranslationAdmin):
    list_display = ["label", "zone", "order"]
    list_editable = ["order"]


@admin.register(ContactLine)
class ContactLineAdmin(TranslationAdmin):
    list_display = ["label", "value", "order"]
    list_editable = ["order"]
