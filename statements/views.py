import datetime
import json

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, TemplateView
from django_filters.views import FilterView

from embassy.compiled import CompiledQuery
from identity.context_processors import identity_of
from identity.languages import language_tag

from .characters import xml_safe
from .feeds import applied_filters, describe, with_query
from .filters import StatementFilter
from .models import Speaker, Statement, Topic
from .pagination import ArchivePaginator
from .search import attach_snippets

LIST_PAGE_SIZE = 20
LATEST_ON_HOME = 10


def listed(now):
    """The public statements in the page's language with what a list item shows."""
    return Statement.objects.published(now).in_current_language().for_listing()


def latest(now, featured):
    """The home page's latest statements, the featured one left out."""
    return listed(now).exclude(pk=featured)[:LATEST_ON_HOME]


# The same queries on every page, compiled once (CompiledQuery). Each is
# compiled for each language, so the page's is written into its SQL.
# The rows of a list page, by their keys, and the home page's statements.
LISTED_BY_KEY = CompiledQuery(
    lambda now, keys: listed(now).filter(pk__in=keys),
    now=datetime.datetime,
    keys=[int] * LIST_PAGE_SIZE,
)
LATEST = CompiledQuery(latest, now=datetime.datetime, featured=int)
FEATURED = CompiledQuery(
    lambda now: (
        Statement.objects.published(now)
        .in_current_language()
        .filter(featured=True)
        .defer("search_vector")[:1]
    ),
    now=datetime.datetime,
)
# A statement's page, as the public reads it.
PUBLIC_BY_SLUG = CompiledQuery(
    lambda now, slug: (
        Statement.objects.published(now).defer("search_vector").filter(slug=slug)
    ),
    now=datetime.datetime,
    slug=str,
)


def neighbour(direction):
    """The statement next to one in the page's language, newer or older."""

    def build(now, at, key):
        statements = Statement.objects.published(now).in_current_language()
        beside = getattr(statements.only("title", "slug", "language"), direction)
        return beside(Statement(published_at=at, id=key))[:1]

    return CompiledQuery(build, now=datetime.datetime, at=datetime.datetime, key=int)


# A statement page's links to its neighbours and its other languages' versions.
NEWER, OLDER = neighbour("newer_than"), neighbour("older_than")
VERSIONS = CompiledQuery(
    lambda now, translation_key, key: (
        Statement.objects.published(now)
        .versions_of(Statement(id=key, translation_key=translation_key))
        .only("slug", "language")
    ),
    now=datetime.datetime,
    translation_key=str,
    key=int,
)

# JSON in a <script> element must not be able to close it or open a comment.
JSON_SCRIPT_ESCAPES = str.maketrans({"<": "\\u003C", ">": "\\u003E", "&": "\\u0026"})


def json_ld(data):
    text = json.dumps(xml_safe(data), ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
    return format_html(
        '<script type="application/ld+json">{}</script>', mark_safe(text)
    )


class PageMetaMixin:
    """What a public page's <head> says about it: title, description, canonical URL."""

    og_type = "website"

    def get_page_meta(self, context):
        return {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meta = {
            "page_description": identity_of(self.request).description,
            "canonical_path": self.request.path,
            "og_type": self.og_type,
            **self.get_page_meta(context),
        }
        context.update(meta, canonical_url=self.absolute(meta["canonical_path"]))
        return context

    def absolute(self, path):
        return self.request.build_absolute_uri(path)


class HomeView(PageMetaMixin, TemplateView):
    template_name = "statements/home.html"

    def get_context_data(self, **kwargs):
        now = timezone.now()
        featured = next(iter(FEATURED(now=now)), None)
        if featured is not None:
            featured.read_for_page()
        featured_key = featured.pk if featured is not None else 0  # none has 0
        latest = LATEST(now=now, featured=featured_key)
        return super().get_context_data(featured=featured, latest=latest, **kwargs)


class StatementListView(PageMetaMixin, FilterView):
    filterset_class = StatementFilter
    template_name = "statements/statement_list.html"
    paginate_by = LIST_PAGE_SIZE
    paginator_class = ArchivePaginator
    strict = True

    def get_queryset(self):
        return Statement.objects.published().in_current_language()

    def get(self, request, *args, **kwargs):
        """The list; a valid query in another form is sent to its one address.

        One address per list, whatever the form sent (empty fields, a page
        written "01", unknown parameters): it is the one to cite, and the
        only one the page cache keeps.
        """
        self.filterset = self.get_filterset(self.get_filterset_class())
        if self.filterset.is_bound and not self.filterset.is_valid():
            self.object_list = self.filterset.queryset.none()
        else:
            canonical = self.canonical_query()
            if urlencode(canonical) != request.META.get("QUERY_STRING", ""):
                return redirect(with_query(request.path, canonical), permanent=True)
            self.object_list = self.filterset.qs
        context = self.get_context_data(
            filter=self.filterset, object_list=self.object_list
        )
        return self.render_to_response(context)

    def canonical_query(self):
        """The filters set, then the page past the first, as query parameters."""
        query = applied_filters(self.filterset)
        page = self.request.GET.get(self.page_kwarg, "")
        try:
            number = int(page)
        except ValueError:
            number = None
        if number is None or number < 1:
            # Not a page: the paginator says so (404), at the address asked for.
            if page:
                query[self.page_kwarg] = page
        elif number > 1:
            query[self.page_kwarg] = str(number)
        return query

    def get_paginator(self, queryset, per_page, **kwargs):
        filters = urlencode(applied_filters(self.filterset))
        return super().get_paginator(
            queryset,
            per_page,
            count_key=f"matches:{self.request.path}?{filters}",
            rows=self.page_rows,
            **kwargs,
        )

    def page_rows(self, keys):
        """The rows of a page's keys, in their order, with what a list item
        shows: by the compiled query, unless the matches carry values of their
        own (a search's rank, where the speaker said it)."""
        if self.object_list.query.annotations:
            rows = self.object_list.for_listing().filter(pk__in=keys)
        else:
            rows = LISTED_BY_KEY(now=timezone.now(), keys=keys)
        by_key = {row.pk: row for row in rows}
        return [by_key[key] for key in keys if key in by_key]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        words = (
            self.filterset.form.cleaned_data.get("q")
            if self.filterset.is_valid()
            else None
        )
        if words:
            attach_snippets(
                context["object_list"],
                words,
                speaker=self.filterset.form.cleaned_data.get("speaker"),
            )
        if not self.filterset.errors:
            context["result_summary"] = self.filterset.summary(context["page_obj"])
        return context

    def get_title(self):
        return describe(self.filterset)

    def get_feed_filters(self):
        return applied_filters(self.filterset)

    def get_page_meta(self, context):
        title = page_title = self.get_title()
        page = context["page_obj"]
        canonical_query = applied_filters(self.filterset)
        if page.number > 1:
            page_title = _("%(title)s, page %(number)s") % {
                "title": page_title,
                "number": page.number,
            }
            canonical_query["page"] = page.number
        feed_filters = self.get_feed_filters()
        return {
            "page_title": page_title,
            "feed_title": title,
            "page_description": _("%(title)s, from the %(site)s.")
            % {"title": title, "site": identity_of(self.request).full_name},
            "canonical_path": with_query(self.request.path, canonical_query),
            "feeds": [
                (name, mime, with_query(reverse(url_name), feed_filters))
                for name, mime, url_name in [
                    ("RSS", "application/rss+xml", "statements:rss"),
                    ("Atom", "application/atom+xml", "statements:atom"),
                ]
            ],
        }

    def render_to_response(self, context, **response_kwargs):
        # Bad filter values are the visitor's mistake: show the form's errors.
        if self.filterset.is_bound and not self.filterset.is_valid():
            response_kwargs["status"] = 400
        return super().render_to_response(context, **response_kwargs)


class SpeakerView(StatementListView):
    template_name = "statements/speaker_detail.html"

    def get(self, request, *args, **kwargs):
        self.speaker = get_object_or_404(
            Speaker.objects.with_public_statements(), slug=kwargs["slug"]
        )
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().by_speaker(self.speaker)

    def get_title(self):
        return describe(self.filterset, subject=self.speaker.name)

    def get_feed_filters(self):
        return {**super().get_feed_filters(), "speaker": self.speaker.slug}

    def get_page_meta(self, context):
        speaker = self.speaker
        description = (
            _("Statements by %(name)s, %(position)s.")
            if speaker.position
            else _("Statements by %(name)s.")
        ) % {"name": speaker.name, "position": speaker.position}
        return {**super().get_page_meta(context), "page_description": description}

    def get_context_data(self, **kwargs):
        return super().get_context_data(speaker=self.speaker, **kwargs)


class SpeakerListView(PageMetaMixin, ListView):
    """Every speaker with a public statement, with how many there are."""

    template_name = "statements/speaker_list.html"
    context_object_name = "speakers"

    def get_queryset(self):
        return Speaker.objects.with_public_statement_counts(translation.get_language())

    def get_page_meta(self, context):
        return {
            "page_title": _("Speakers"),
            "page_description": _("Everyone with statements from the %(site)s.")
            % {"site": identity_of(self.request).full_name},
        }


class TopicListView(PageMetaMixin, ListView):
    """Every topic with a public statement in the page's language."""

    template_name = "statements/topic_list.html"
    context_object_name = "topics"

    def get_queryset(self):
        return Topic.objects.with_public_statement_counts(translation.get_language())

    def get_page_meta(self, context):
        return {
            "page_title": _("Topics"),
            "page_description": _("The topics of statements from the %(site)s.")
            % {"site": identity_of(self.request).full_name},
        }


class StatementDetailView(PageMetaMixin, DetailView):
    template_name = "statements/statement_detail.html"
    og_type = "article"

    def get_object(self):
        # Staff who may read statements in the admin may preview them here.
        if self.request.user.has_perm("statements.view_statement"):
            statements = Statement.objects.defer("search_vector")
            return get_object_or_404(statements, slug=self.kwargs["slug"])
        found = PUBLIC_BY_SLUG(now=timezone.now(), slug=self.kwargs["slug"])
        if not found:
            raise Http404
        return found[0]

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.language != translation.get_language():
            # Each statement has one address, in its own language.
            return redirect(self.object)
        self.object.read_for_page()
        context = self.get_context_data(object=self.object)
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        statement, now = self.object, timezone.now()
        here = {"now": now, "at": statement.published_at, "key": statement.pk}
        others = {
            version.language: version.get_absolute_url()
            for version in VERSIONS(
                now=now, translation_key=statement.translation_key, key=statement.pk
            )
        }
        return super().get_context_data(
            newer=(NEWER(**here) or [None])[0],
            older=(OLDER(**here) or [None])[0],
            versions={self.object.language: self.object.get_absolute_url(), **others},
            other_versions=[
                {"url": others[code], "tag": language_tag(code), "name": name}
                for code, name in settings.LANGUAGES
                if code in others
            ],
            **kwargs,
        )

    def get_page_meta(self, context):
        statement = self.object
        lead_image = statement.lead_image
        return {
            "social_image": lead_image
            and {
                **lead_image.largest,
                "url": self.absolute(lead_image.largest["url"]),
                "alt": lead_image.alt,
            },
            "page_title": statement.title,
            "page_description": Truncator(statement.summary).words(40),
            "canonical_path": statement.get_absolute_url(),
            "structured_data": json_ld(self.news_article(statement)),
        }

    def news_article(self, statement):
        """schema.org NewsArticle, for search engines' article results."""
        publisher = {
            "@type": "Organization",
            "name": identity_of(self.request).full_name,
            "url": self.absolute(reverse("statements:home")),
        }
        speakers = [
            {
                "@type": "Person",
                "name": speaker.name,
                "url": self.absolute(speaker.get_absolute_url()),
                **({"jobTitle": speaker.position} if speaker.position else {}),
            }
            for speaker in statement.ordered_speakers
        ]
        return {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": statement.title,
            "inLanguage": language_tag(statement.language),
            "description": statement.summary,
            "datePublished": statement.published_at.isoformat(),
            "dateModified": statement.updated_at.isoformat(),
            "author": speakers or [publisher],
            "publisher": publisher,
            "mainEntityOfPage": self.absolute(statement.get_absolute_url()),
            "articleSection": statement.kind_label,
            "keywords": [topic.name for topic in statement.topics.all()],
            "image": [
                self.absolute(image.largest["url"]) for image in statement.gallery
            ],
        }

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if not self.object.is_public:
            add_never_cache_headers(response)
        return response
