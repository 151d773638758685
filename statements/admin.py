from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from . import services
from .models import Speaker, Statement, StatementSpeaker, Topic, Turn


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    list_display = ["name", "position"]
    search_fields = ["name", "aliases", "position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


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
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            loaded = self.instance.updated_at.isoformat()
            self.fields["loaded_updated_at"].initial = loaded

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk:
            self.refuse_if_changed_since_loaded(cleaned_data.get("loaded_updated_at"))
        return cleaned_data

    def refuse_if_changed_since_loaded(self, loaded):
        """Optimistic locking: two editors must not silently overwrite each other.

        The row stays locked until the admin's transaction ends, so a save
        that passes this check cannot be overtaken before it is written.
        """
        stored = (
            Statement.objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("updated_at", flat=True)
            .first()
        )
        if stored is None or stored.isoformat() != loaded:
            self.add_error(
                None,
                "Someone else saved this statement after you opened it, so your "
                "changes were not saved. Reload the page to see their version, "
                "then make your changes again.",
            )


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
class StatementAdmin(admin.ModelAdmin):
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
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["topics"]
    actions = ["publish", "unpublish"]
    readonly_fields = ["created_at", "updated_at"]
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
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("statement_speakers__speaker")
        )

    @admin.display(description="speakers")
    def speaker_names(self, statement):
        return ", ".join(speaker.name for speaker in statement.ordered_speakers)

    @admin.display(description="public", boolean=True)
    def is_public(self, statement):
        return statement.is_public

    @admin.action(description="Publish the selected statements", permissions=["change"])
    def publish(self, request, queryset):
        count = queryset.update(
            status=Statement.Status.PUBLISHED, updated_at=timezone.now()
        )
        self.message_user(
            request,
            f"{count} statement(s) published. Those with a future publication "
            "time appear when it comes.",
            messages.SUCCESS,
        )

    @admin.action(
        description="Unpublish the selected statements", permissions=["change"]
    )
    def unpublish(self, request, queryset):
        count = queryset.update(
            status=Statement.Status.DRAFT, updated_at=timezone.now()
        )
        self.message_user(
            request, f"{count} statement(s) unpublished.", messages.SUCCESS
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
