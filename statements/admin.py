import hashlib

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db import models, transaction
from django.forms.models import BaseInlineFormSet
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import get_language_info
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from identity.context_processors import current_identity
from library.admin import StatementDocumentInline, StatementImageInline

from . import history, services, transcripts
from .models import Speaker, Statement, StatementSpeaker, Topic, Turn

# The admin is named after the site, as its editors set it.
admin.site.site_header = admin.site.site_title = lazy(
    lambda: current_identity().short_name, str
)()
admin.site.index_title = "Administration"


# No slug is prepopulated by the admin's script as the editor types: a slug
# left empty is made on save by the one rule (statements.slugs), which writes
# Russian as English-language newspapers do ("Сергей Лавров": sergey-lavrov),
# where the script would drop or mangle the Cyrillic letters.
@admin.register(Speaker)
class SpeakerAdmin(TranslationAdmin):
    list_display = ["name", "position"]
    search_fields = ["name", "aliases", "position"]


@admin.register(Topic)
class TopicAdmin(TranslationAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]


def version_source(request):
    """The statement a new version is being added for (``?version_of=<pk>``),
    read once for the form and each of its inlines."""
    if not hasattr(request, "version_source"):
        pk = request.GET.get("version_of", "")
        request.version_source = (
            Statement.objects.with_speakers().filter(pk=pk).first()
            if pk.isdigit()
            else None
        )
    return request.version_source


class StatementSpeakerInline(admin.TabularInline):
    model = StatementSpeaker
    extra = 1
    autocomplete_fields = ["speaker"]
    verbose_name = "speaker"
    verbose_name_plural = "speakers, in order"

    def get_extra(self, request, obj=None, **kwargs):
        source = version_source(request) if obj is None else None
        if source is not None:
            return max(len(source.ordered_speakers), self.extra)
        return self.extra


# The fields whose change the public reads as a correction. The lead is the
# office's summary for lists, not what was said.
PUBLIC_TEXT_FIELDS = ("title", "delivered_on", "location", "body")
NOTE_REQUIRED = (
    "This changes the text of a published statement: say what changed in the "
    'public change note, or tick "Minor change" for a typo.'
)


class CorrectionFields(forms.Form):
    """The public change note GOV.UK-style: required unless the change is minor."""

    change_note = forms.CharField(
        label="Public change note",
        max_length=300,
        required=False,
        help_text=(
            "Required when you change the text of a published statement: what "
            "changed and why. It is added to the public change log with the date."
        ),
    )
    minor_change = forms.BooleanField(
        label="Minor change (no public note)",
        required=False,
        help_text="For typos and formatting: the public change log stays as it is.",
    )

    def require_note(self, public_text_changed):
        """Refuse a change to public text without a note, unless it is minor."""
        data = self.cleaned_data
        minor = data.get("minor_change")
        if public_text_changed and not minor and not data.get("change_note"):
            self.add_error("change_note", NOTE_REQUIRED)


class TurnFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        note = CorrectionFields(self.data)
        stored = Statement.objects.published().filter(pk=self.instance.pk)
        if self.has_changed() and note.is_valid() and stored.exists():
            note.require_note(public_text_changed=True)
            if note.errors:
                raise forms.ValidationError(NOTE_REQUIRED)


class TurnInline(admin.TabularInline):
    """One compact row a turn, so the turns read like the transcript."""

    model = Turn
    formset = TurnFormSet
    extra = 0
    autocomplete_fields = ["speaker"]
    fields = ["position", "role", "label", "speaker", "note", "text"]
    view_on_site = False
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 60})},
        models.CharField: {"widget": forms.TextInput(attrs={"size": 18})},
    }
    verbose_name_plural = "questions and answers (turns), in order"

    class Media:
        css = {"all": ["css/admin.css"]}


class StatementAdminForm(CorrectionFields, forms.ModelForm):
    loaded_updated_at = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Statement
        fields = [
            "title",
            "slug",
            "language",
            "translation_key",
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
        # Left out, they keep what the statement has (a new one: English, and
        # a key of its own).
        for name in ("language", "translation_key"):
            self.fields[name].required = False

    def clean_language(self):
        return self.cleaned_data["language"] or self.instance.language

    def clean_translation_key(self):
        return self.cleaned_data["translation_key"] or self.instance.translation_key

    @property
    def splits_transcript(self):
        """The editor asked to split the pasted body into turns before it is public."""
        return "_split" in self.data

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
        self.require_note(self.changes_public_text())
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

    def changes_public_text(self, formsets=()):
        """Whether this save changes text the public has already read."""
        fields = set(PUBLIC_TEXT_FIELDS) & set(self.changed_data)
        if self.splits_transcript:
            # The pasted text waits for confirmation, out of public view.
            fields.discard("body")
        changed = bool(fields) or any(
            formset.has_changed() for formset in formsets if formset.model is Turn
        )
        return self.stored is not None and self.stored.is_public and changed


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            ("draft", "Draft"),
            ("scheduled", "Scheduled"),
            ("published", "Published"),
        ]

    def queryset(self, request, queryset):
        scopes = {
            "draft": queryset.drafts,
            "scheduled": queryset.scheduled,
            "published": queryset.published,
        }
        scope = scopes.get(self.value())
        return scope() if scope else queryset


class FullTextHistory(HistoricalRecordContextHelper):
    """History shows whole texts: staff compare versions of long paragraphs."""

    def __init__(self, model, historical_record):
        super().__init__(
            model, historical_record, max_displayed_delta_change_chars=10**9
        )


@admin.register(Statement)
class StatementAdmin(SimpleHistoryAdmin):
    form = StatementAdminForm
    inlines = [
        StatementSpeakerInline,
        StatementImageInline,
        StatementDocumentInline,
        TurnInline,
    ]
    list_display = [
        "title",
        "language",
        "kind",
        "publication_status",
        "speaker_names",
        "is_public",
    ]
    list_filter = [
        StatusFilter,
        "language",
        "kind",
        "featured",
        "speakers",
        "published_at",
    ]
    search_fields = ["title", "slug", "lead"]
    date_hierarchy = "published_at"
    filter_horizontal = ["topics"]
    actions = ["publish", "unpublish"]
    readonly_fields = ["versions", "change_log", "created_at", "updated_at"]
    object_history_list_template = "admin/statements/statement/history_list.html"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "language",
                    "kind",
                    "status",
                    "published_at",
                    "loaded_updated_at",
                ]
            },
        ),
        (
            "Versions in other languages",
            {"fields": ["versions", "translation_key"]},
        ),
        (
            "Where and when it was said",
            {"fields": ["delivered_on", "location"]},
        ),
        (None, {"fields": ["lead", "body", "topics", "featured"]}),
        (
            "Corrections to a published statement",
            {"fields": ["change_log", "change_note", "minor_change"]},
        ),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("statement_speakers__speaker")
        )

    def get_changeform_initial_data(self, request):
        """A new version: a draft in its language, linked, with the shared facts."""
        initial = super().get_changeform_initial_data(request)
        source = version_source(request)
        if source is None:
            return initial
        return {
            **initial,
            "translation_key": source.translation_key,
            "kind": source.kind,
            "location": source.location,
            "delivered_on": source.delivered_on,
            "topics": [topic.pk for topic in source.topics.all()],
            "status": Statement.Status.DRAFT,
        }

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        source = version_source(request) if obj.pk is None else None
        if source is not None and isinstance(inline, StatementSpeakerInline):
            kwargs.setdefault("initial", []).extend(
                {"speaker": speaker.pk, "position": position}
                for position, speaker in enumerate(source.ordered_speakers)
            )
        return kwargs

    @admin.display(description="versions")
    def versions(self, statement):
        """Links to the other versions, and to add those still missing."""
        if statement.pk is None:
            return "Save the statement first."
        existing = {
            version.language: version
            for version in Statement.objects.versions_of(statement)
        }
        add_url = reverse("admin:statements_statement_add")
        links = []
        for code, _name in settings.LANGUAGES:
            if code == statement.language:
                continue
            english_name = get_language_info(code)["name"]
            if code in existing:
                version = existing[code]
                url = reverse("admin:statements_statement_change", args=[version.pk])
                links.append((url, f"{english_name} version: {version.title}"))
            else:
                query = urlencode({"version_of": statement.pk, "language": code})
                links.append((f"{add_url}?{query}", f"Add {english_name} version"))
        return format_html(
            "<ul>{}</ul>", format_html_join("", '<li><a href="{}">{}</a></li>', links)
        )

    def get_historical_record_context_helper(self, request, historical_record):
        return FullTextHistory(self.model, historical_record)

    def save_model(self, request, obj, form, change):
        if change:
            history.keep_first_version(form.stored)
        if form.splits_transcript:
            obj.pending_transcript = obj.body
            obj.body = form.stored.body if form.stored else ""
        # The version is recorded in save_related, once its turns are saved.
        obj.skip_history_when_saving = True
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        statement = form.instance
        statement.number_turns()
        del statement.skip_history_when_saving
        note = form.cleaned_data["change_note"]
        corrected = form.changes_public_text(formsets)
        if corrected and not form.cleaned_data["minor_change"]:
            statement.corrections.create(note=note)
            statement.public_change_note = note
        elif note:
            self.message_user(
                request,
                "Your change note was not published: nothing in the public text "
                "of a published statement changed.",
                messages.WARNING,
            )
        statement.save()
        self.message_user(request, f"Status: {statement.status_text}.", messages.INFO)

    @admin.display(description="public change log (newest first)")
    def change_log(self, statement):
        corrections = statement.corrections.all() if statement.pk else []
        if not corrections:
            return "No public corrections yet."
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{}: {}</li>",
                (
                    (timezone.localtime(c.made_at).strftime("%-d %B %Y, %H:%M"), c.note)
                    for c in corrections
                ),
            ),
        )

    @admin.display(description="status", ordering="published_at")
    def publication_status(self, statement):
        return statement.status_text

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
        if "_split" in request.POST:
            return redirect("admin:statements_statement_structure", statement.pk)
        return response

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        return self._redirect_to_structure(request, obj, response)

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        return self._redirect_to_structure(request, obj, response)

    def structure_view(self, request, object_id):
        """Show the turns a pasted transcript gives, for the editor to correct and
        confirm; only then is the text public."""
        statement = get_object_or_404(Statement.objects.with_speakers(), pk=object_id)
        if not self.has_change_permission(request, statement):
            return redirect("admin:index")
        change_url = reverse("admin:statements_statement_change", args=[statement.pk])
        if not statement.pending_transcript:
            self.message_user(request, "No pasted transcript is waiting.")
            return redirect(change_url)
        if request.method == "POST" and "_discard" in request.POST:
            statement.pending_transcript = ""
            statement.save(update_fields=["pending_transcript"])
            self.message_user(request, "The pasted transcript was discarded.")
            return redirect(change_url)
        proposal = TranscriptProposal(statement, request.POST or None)
        if request.method == "POST" and proposal.confirm():
            self.message_user(
                request,
                f"The transcript now has {statement.turns.count()} turns; "
                "edit them below.",
                messages.SUCCESS,
            )
            return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Split into turns: {statement}",
            "statement": statement,
            "change_url": change_url,
            "proposal": proposal,
        }
        return TemplateResponse(
            request, "admin/statements/statement/structure_transcript.html", context
        )


class RowForm(forms.Form):
    """What one pasted paragraph does, as the editor corrects the proposal."""

    starts = forms.ChoiceField(
        label="This paragraph",
        choices=[
            ("opening", "Opening remarks"),
            ("", "Continues the turn above"),
            ("question", "Starts a question"),
            ("answer", "Starts an answer"),
        ],
        required=False,
    )
    label = forms.CharField(max_length=300, required=False)
    speaker = forms.ChoiceField(required=False)

    def __init__(self, *args, speaker_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["speaker"].choices = speaker_choices


RowFormSet = forms.formset_factory(RowForm, extra=0)
NEW_SPEAKER = "new:"


class TranscriptProposal:
    """The proposed turns of a statement's pasted transcript, as a formset of
    paragraphs: the editor changes a role or speaker, merges two turns (the
    second paragraph "continues"), splits one, or marks opening remarks."""

    def __init__(self, statement, data=None):
        self.statement = statement
        self.rows = services.propose_turns(statement)
        self.resolver = services.SpeakerResolver()
        declared = statement.ordered_speakers
        initial = []
        self.new_names = []
        for row in self.rows:
            speaker = ""
            if row.starts == "answer" and row.speaker:
                found = self.resolver.find(row.speaker, declared)
                speaker = str(found.pk) if found else NEW_SPEAKER + row.speaker
                if found is None and row.speaker not in self.new_names:
                    self.new_names.append(row.speaker)
            initial.append(
                {"starts": row.starts, "label": row.label, "speaker": speaker}
            )
        choices = [
            ("", "\u2014"),
            *((str(s.pk), s.name) for s in Speaker.objects.only("name")),
            *((NEW_SPEAKER + name, f"New speaker: {name}") for name in self.new_names),
        ]
        self.formset = RowFormSet(
            data,
            initial=initial,
            prefix="rows",
            form_kwargs={"speaker_choices": choices},
        )
        self.version = hashlib.sha256(statement.pending_transcript.encode()).hexdigest()
        # Replacing text the public has read is a correction; a first text is not.
        corrects = statement.is_public and (statement.body or statement.turns.exists())
        self.corrections = CorrectionFields(data) if corrects else None
        self.errors = []

    @property
    def forms(self):
        return list(zip(self.rows, self.formset.forms, strict=False))

    def confirm(self):
        """Apply the editor's rows; False, with ``errors``, when they cannot be."""
        # Rows are matched to the paragraphs by position: a different text or
        # number of rows would attach the editor's choices to other paragraphs.
        valid = self.formset.is_valid()
        if self.formset.data.get("version") != self.version or (
            valid and len(self.formset.forms) != len(self.rows)
        ):
            self.errors.append(
                "The pasted text changed since this page was opened: reload it."
            )
            return False
        if self.corrections is not None and self.corrections.is_valid():
            self.corrections.require_note(public_text_changed=True)
        if not valid or (self.corrections is not None and self.corrections.errors):
            return False
        rows = [
            transcripts.Row(
                row.paragraph, form.cleaned_data["starts"], form.cleaned_data["label"]
            )
            for row, form in self.forms
        ]
        try:
            transcript = transcripts.assemble(rows)
        except transcripts.OpeningAfterTurns as error:
            self.errors.append(
                "Opening remarks come before the first question or answer: "
                f"“{str(error)[:60]}…” follows one."
            )
            return False
        chosen = [
            form.cleaned_data["speaker"]
            for row, form in zip(rows, self.formset.forms, strict=True)
            if row.starts in ("question", "answer")
        ]
        note = ""
        if (
            self.corrections is not None
            and not self.corrections.cleaned_data["minor_change"]
        ):
            note = self.corrections.cleaned_data["change_note"]
        with transaction.atomic():
            speakers = [
                self.speaker(turn, choice)
                for turn, choice in zip(transcript.turns, chosen, strict=True)
            ]
            services.confirm_transcript(self.statement, transcript, speakers, note)
        return True

    def speaker(self, turn, choice):
        if turn.role != "answer" or not choice:
            return None
        if choice.startswith(NEW_SPEAKER):
            return self.resolver.declared(choice.removeprefix(NEW_SPEAKER))
        return Speaker.objects.get(pk=choice)
