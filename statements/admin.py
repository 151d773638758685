from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from . import history, services
from .models import Speaker, Statement, StatementSpeaker, Topic, Turn


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    list_display = ["name", "position"]
    search_fields = ["name", "aliases", "position"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]


class StatementSpeakerInline(admin.TabularInline):
    model = StatementSpeaker
    extra = 1
    autocomplete_fields = ["speaker"]
    verbose_name = "speaker"
    verbose_name_plural = "speakers, in order"


class TurnInline(admin.StackedInline):
    model = Turn
    extra = 0
    autocomplete_fields = ["speaker"]
    fields = [("position", "role"), ("label", "speaker", "note"), "text"]
    verbose_name_plural = "questions and answers (turns), in order"


CONTENT_FIELDS = {"title", "delivered_on", "location", "lead", "body"}


class StatementAdminForm(forms.ModelForm):
    loaded_updated_at = forms.CharField(widget=forms.HiddenInput, required=False)
    split_transcript = forms.BooleanField(
        required=False,
        label="Split pasted questions and answers into turns",
        help_text=(
            "After saving, the body's labelled questions and answers are shown "
            "as proposed turns for you to confirm; the body keeps the opening "
            "remarks."
        ),
    )

    class Meta:
        model = Statement
        fields = [
            "title",
            "slug",
            "kind",
            "status",
            "published_at",
            "delivered_on",
            "location",
            "lead",
            "body",
            "topics",
            "featured",
            "change_note",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            loaded = self.instance.updated_at.isoformat()
            self.fields["loaded_updated_at"].initial = loaded
            # A note explains one correction: each starts without one.
            self.initial["change_note"] = ""

    def clean(self):
        cleaned_data = super().clean()
        # The row as stored, locked until the admin's transaction ends.
        self.stored = (
            Statement.objects.select_for_update().filter(pk=self.instance.pk).first()
            if self.instance.pk
            else None
        )
        if self.instance.pk:
            self.refuse_if_changed_since_loaded(cleaned_data.get("loaded_updated_at"))
        return cleaned_data

    def refuse_if_changed_since_loaded(self, loaded):
        """Optimistic locking: two editors must not silently overwrite each other."""
        if self.stored is None or self.stored.updated_at.isoformat() != loaded:
            self.add_error(
                None,
                "Someone else saved this statement after you opened it, so your "
                "changes were not saved. Reload the page to see their version, "
                "then make your changes again.",
            )

    def corrects_a_public_statement(self, formsets):
        """Whether this save changes what the public has already read."""
        content_changed = bool(CONTENT_FIELDS & set(self.changed_data)) or any(
            formset.has_changed() for formset in formsets if formset.model is Turn
        )
        return self.stored is not None and self.stored.is_public and content_changed


class StructureForm(forms.Form):
    create_speakers = forms.BooleanField(
        required=False,
        label="Create new speakers for the names not yet known",
    )


class PublicFilter(admin.SimpleListFilter):
    title = "visible to the public"
    parameter_name = "public"

    def lookups(self, request, model_admin):
        return [("yes", "Public now"), ("scheduled", "Scheduled"), ("no", "Not public")]

    def queryset(self, request, queryset):
        now = timezone.now()
        published = Q(status=Statement.Status.PUBLISHED)
        if self.value() == "yes":
            return queryset.published()
        if self.value() == "scheduled":
            return queryset.filter(published, published_at__gt=now)
        if self.value() == "no":
            return queryset.exclude(pk__in=queryset.published().values("pk"))
        return queryset


@admin.register(Statement)
class StatementAdmin(SimpleHistoryAdmin):
    form = StatementAdminForm
    inlines = [StatementSpeakerInline, TurnInline]
    list_display = [
        "title",
        "kind",
        "published_at",
        "status",
        "speaker_names",
        "is_public",
    ]
    list_filter = [
        PublicFilter,
        "status",
        "kind",
        "featured",
        "speakers",
        "published_at",
    ]
    search_fields = ["title", "slug", "lead"]
    date_hierarchy = "published_at"
    filter_horizontal = ["topics"]
    actions = ["publish", "unpublish"]
    readonly_fields = ["created_at", "updated_at", "corrected_at"]
    history_list_display = ["status", "change_note"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "kind",
                    "status",
                    "published_at",
                    "loaded_updated_at",
                ]
            },
        ),
        (
            "Where and when it was said",
            {"fields": ["delivered_on", "location"]},
        ),
        (None, {"fields": ["lead", "body", "split_transcript", "topics", "featured"]}),
        ("Correction", {"fields": ["change_note", "corrected_at"]}),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("statement_speakers__speaker")
        )

    def save_model(self, request, obj, form, change):
        if change:
            history.keep_first_version(form.stored)
        # The version is recorded in save_related, once its turns are saved.
        obj.skip_history_when_saving = True
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        statement = form.instance
        statement.number_turns()
        del statement.skip_history_when_saving
        if form.corrects_a_public_statement(formsets):
            statement.corrected_at = timezone.now()
        elif form.stored is not None:
            # Not a correction: the note still belongs to the last one.
            statement.change_note = form.stored.change_note
        statement.save()

    @admin.display(description="speakers")
    def speaker_names(self, statement):
        return ", ".join(speaker.name for speaker in statement.ordered_speakers)

    @admin.display(description="public", boolean=True)
    def is_public(self, statement):
        return statement.is_public

    @admin.action(description="Publish the selected statements", permissions=["change"])
    def publish(self, request, queryset):
        now = timezone.now()
        statements = queryset.exclude(status=Statement.Status.PUBLISHED)
        for statement in statements:
            statement.status = Statement.Status.PUBLISHED
            # A draft dated in the past appears now, at the top of the list.
            statement.published_at = max(statement.published_at, now)
            statement.save()
        self.message_user(
            request,
            f"{len(statements)} statement(s) published. Those with a future "
            "publication time appear when it comes.",
            messages.SUCCESS,
        )

    @admin.action(
        description="Unpublish the selected statements", permissions=["change"]
    )
    def unpublish(self, request, queryset):
        statements = queryset.filter(status=Statement.Status.PUBLISHED)
        for statement in statements:
            statement.status = Statement.Status.DRAFT
            statement.save()
        self.message_user(
            request, f"{len(statements)} statement(s) unpublished.", messages.SUCCESS
        )

    def get_urls(self):
        return [
            path(
                "<int:object_id>/structure/",
                self.admin_site.admin_view(self.structure_view),
                name="statements_statement_structure",
            ),
            *super().get_urls(),
        ]

    def _redirect_to_structure(self, request, statement, response):
        if request.POST.get("split_transcript"):
            return redirect("admin:statements_statement_structure", statement.pk)
        return response

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        return self._redirect_to_structure(request, obj, response)

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        return self._redirect_to_structure(request, obj, response)

    def structure_view(self, request, object_id):
        """Preview the turns a pasted transcript gives; apply them once confirmed."""
        statement = get_object_or_404(Statement, pk=object_id)
        if not self.has_change_permission(request, statement):
            return redirect("admin:index")
        change_url = reverse("admin:statements_statement_change", args=[statement.pk])
        form = StructureForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            parsed = services.structure_transcript(
                statement, create_speakers=form.cleaned_data["create_speakers"]
            )
            self.message_user(
                request,
                f"The transcript now has {len(parsed.turns)} turns; edit them below.",
                messages.SUCCESS,
            )
            return redirect(change_url)
        parsed = services.parse_statement_body(statement)
        resolver = services.SpeakerResolver(create=False)
        proposed = services.build_turns(
            statement, parsed.turns, statement.ordered_speakers, resolver
        )
        ambiguous = set(parsed.ambiguous)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Split into turns: {statement}",
            "statement": statement,
            "change_url": change_url,
            "form": form,
            "opening": [(p, p in ambiguous) for p in parsed.opening],
            "proposed": [
                (turn, [(p, p in ambiguous) for p in turn.paragraphs])
                for turn in proposed
            ],
            "unknown_speakers": resolver.unknown,
            "existing_turns": statement.turns.count(),
            "ambiguous_count": len(parsed.ambiguous),
        }
        return TemplateResponse(
            request, "admin/statements/statement/structure_transcript.html", context
        )
