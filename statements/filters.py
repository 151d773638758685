import datetime
import html

import django_filters
from django import forms
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.forms.models import ModelChoiceIterator
from django.utils import formats, timezone, translation
from django.utils.functional import cached_property
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from embassy.pagecache.memo import memo

from .characters import FORBIDDEN_IN_XML
from .models import Speaker, Statement, Topic
from .search import nothing_to_look_for, search


def start_of_day(day):
    """The first instant of ``day`` in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def attributes(attrs):
    """A widget's attributes as Django's ``attrs.html`` writes them, in order
    (``flatatt`` sorts them)."""
    return mark_safe(
        "".join(
            f" {escape(name)}"
            if value is True
            else f' {escape(name)}="{escape(value)}"'
            for name, value in attrs.items()
            if value is not False
        )
    )


class Select(forms.Select):
    """A plain ``<select>`` written in Python, the same markup as Django's.

    Django builds a dict per option and renders a template for each (or,
    with one template, a loop of them): for the speakers and topics that
    was half the time of a list page rendered without the cache.
    """

    def render(self, name, value, attrs=None, renderer=None):
        selected = set(self.format_value(value))
        # One f-string per option: format_html for each of the 150 options
        # cost 0.3 ms more a page, and Django's escape() (lazy strings, safe
        # strings) 0.85 ms against 0.2 ms for the standard library's.
        options = "".join(
            f'\n  <option value="{html.escape(str(choice))}"'
            f"{' selected' if str(choice) in selected else ''}>"
            f"{html.escape(str(label))}</option>"
            for choice, label in self.choices
        )
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            name,
            attributes(self.build_attrs(self.attrs, attrs)),
            mark_safe(options),
        )


class PythonInput:
    """An ``<input>`` written in Python, the same markup as Django's template.

    Django's form renderer looks a widget's template up in each engine in
    turn: Jinja2's missed it (a file lookup and an exception) before Django's
    found and rendered it, for each of the list's three inputs on every page.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        value = widget["value"]
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            widget["type"],
            name,
            "" if value is None else format_html(' value="{}"', value),
            attributes(widget["attrs"]),
        )


class TextInput(PythonInput, forms.TextInput):
    pass


class DateInput(PythonInput, forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class PublicNameChoices(ModelChoiceIterator):
    """The empty choice, then each public name's (slug, name)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.field.public_names


class PublicNameField(forms.ModelChoiceField):
    """Those of ``queryset`` that public statements name, cached.

    Shown and checked from the cache until the content changes: no query,
    and no query built, per list page. Found when computed, as "public"
    depends on the time. The choices are read as (slug, name) pairs, not
    model instances (1 ms less per page with caching off); only a chosen
    name is read as an instance.
    """

    iterator = PublicNameChoices

    @cached_property
    def public_names(self):
        """(slug, name) of those named by public statements in the page's language.

        Read once per form: a chosen name is checked against them, then the
        form shows them (with caching off that was the query twice).
        """
        model = self.queryset.model._meta.label_lower
        language = translation.get_language()
        return memo(
            f"choices:{model}:{language}",
            lambda: self.queryset.public_names(language),
        )

    def __deepcopy__(self, memo):
        # Each form reads the names afresh: they change with the content.
        result = super().__deepcopy__(memo)
        result.__dict__.pop("public_names", None)
        return result

    def to_python(self, value):
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        if str(value) in dict(self.public_names):
            try:
                return self.queryset.get(**{self.to_field_name: value})
            except self.queryset.model.DoesNotExist:
                pass  # Gone since the names were read.
        raise ValidationError(
            self.error_messages["invalid_choice"],
            code="invalid_choice",
            params={"value": value},
        )


class PublicNameFilter(django_filters.ModelChoiceFilter):
    """A speaker or topic, by slug, among those public statements name."""

    field_class = PublicNameField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, to_field_name="slug", widget=Select, **kwargs)


class StatementFilterForm(forms.Form):
    def full_clean(self):
        super().full_clean()
        # Tie each error to its control for screen readers.
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {
                        "aria-invalid": "true",
                        "aria-describedby": f"{self.auto_id % name}_error",
                    }
                )

    def clean_q(self):
        words = self.cleaned_data["q"]
        if words.strip() and nothing_to_look_for(words):
            raise ValidationError(
                _(
                    "Add a word to look for: excluded words (-word) and very "
                    "common words cannot make a search on their own."
                ),
                code="nothing_to_look_for",
            )
        return words

    def clean(self):
        cleaned_data = super().clean()
        date_from, date_to = cleaned_data.get("date_from"), cleaned_data.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned_data


class StatementFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Words"),
        method="filter_words",
        max_length=200,
        widget=TextInput,
        validators=[
            RegexValidator(
                "\x7f|" + FORBIDDEN_IN_XML.pattern,
                inverse_match=True,
                message=_("Words cannot contain control characters or non-characters."),
            )
        ],
    )
    speaker = PublicNameFilter(
        label=_("Speaker"),
        field_name="speakers",
        queryset=Speaker.objects.all(),
        empty_label=_("Any speaker"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"),
        choices=Statement.Kind,
        empty_label=_("Any kind"),
        widget=Select,
    )
    tag = PublicNameFilter(
        label=_("Topic"),
        field_name="topics",
        queryset=Topic.objects.all(),
        empty_label=_("Any topic"),
    )
    date_from = django_filters.DateFilter(
        label=_("From"), method="filter_date_from", widget=DateInput()
    )
    date_to = django_filters.DateFilter(
        label=_("To"), method="filter_date_to", widget=DateInput()
    )

    class Meta:
        model = Statement
        form = StatementFilterForm
        fields = ["q", "speaker", "kind", "tag", "date_from", "date_to"]

    search_capped = False
    # How many recent statements a phrase or exclusion was looked for in,
    # when that left some out (see ``search``).
    search_checked = None

    def filter_queryset(self, queryset):
        """Words last: a search ranks among what the other filters leave."""
        words = self.filters["q"]
        others = {name: f for name, f in self.filters.items() if f is not words}
        for name, value in self.form.cleaned_data.items():
            if name in others:
                queryset = others[name].filter(queryset, value)
        return words.filter(queryset, self.form.cleaned_data.get("q"))

    def filter_words(self, queryset, name, value):
        if not value.strip():
            return queryset
        matches, self.search_capped, self.search_checked = search(
            queryset, value, speaker=self.form.cleaned_data.get("speaker")
        )
        return matches

    def filter_date_from(self, queryset, name, value):
        return queryset.filter(published_at__gte=start_of_day(value))

    def filter_date_to(self, queryset, name, value):
        if value == datetime.date.max:
            return queryset
        next_day = value + datetime.timedelta(days=1)
        return queryset.filter(published_at__lt=start_of_day(next_day))

    @property
    def applied(self):
        """(label, value) for each filter the visitor set, for the summary line."""
        if not self.is_bound or not self.is_valid():
            return []
        applied = []
        for name, value in self.form.cleaned_data.items():
            if value in (None, ""):
                continue
            if name == "kind":
                value = Statement.Kind(value).label
            applied.append((self.form.fields[name].label, value))
        return applied

    def summary(self, page):
        """What the list holds: "1 statement matching speaker: Sergey Lavrov"."""
        paginator = page.paginator
        number = paginator.count
        count = intcomma(number)
        if self.search_capped:
            text = ngettext(
                "More than %(count)s statement",
                "More than %(count)s statements",
                number,
            )
        elif paginator.estimated:
            text = ngettext(
                "About %(count)s statement", "About %(count)s statements", number
            )
        else:
            text = ngettext("%(count)s statement", "%(count)s statements", number)
        text %= {"count": count}
        if self.applied:
            filters = ", ".join(
                f"{str(label).lower()}: {formats.localize(value)}"
                for label, value in self.applied
            )
            text = gettext("%(count)s matching %(filters)s") % {
                "count": text,
                "filters": filters,
            }
        if self.search_capped:
            text += gettext("; the %(count)s most recent are ranked here") % {
                "count": count
            }
        if self.search_checked:
            text += gettext(
                "; phrases and excluded words were looked for in the %(count)s "
                "most recent statements with all the words"
            ) % {"count": intcomma(self.search_checked)}
        if paginator.num_pages > 1:
            pages = {"number": page.number, "total": intcomma(paginator.num_pages)}
            text += (
                gettext("; page %(number)s of about %(total)s")
                if paginator.estimated
                else gettext("; page %(number)s of %(total)s")
            ) % pages
        return text
