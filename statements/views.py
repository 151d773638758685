import hashlib
import json

from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from .caching import cached_many_for_generation
from .characters import xml_safe
from .feeds import SITE_NAME, applied_filters, describe, with_query
from .filters import StatementFilter
from .models import Speaker, Statement
from .pagination import ArchivePaginator
from .querysets import speakers_in_order
from .search import attach_snippets

LIST_ITEM_TEMPLATE = "statements/_statement_item.html"
SITE_DESCRIPTION = (
    "Statements, comments, briefings and transcripts from the press office."
)
# JSON in a <script> element must not be able to close it or open a comment.
JSON_SCRIPT_ESCAPES = str.maketrans({"<": "\\u003C", ">": "\\u003E", "&": "\\u0026"})


def json_ld(data):
    text = json.dumps(xml_safe(data), ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
    return format_html(
        '<script type="application/ld+json">{}</script>', mark_safe(text)
    )


def draw_list_items(statements, filterset, cached=True):
    """Set each statement's ``list_item``: the list's markup for it.

    Cached until the content changes, and shared by every list that shows
    the statement: an uncached list page spent a third of its time drawing
    its twenty items. Not for a search, whose items show its own snippets.
    """
    by_name = {f"list-item:{statement.pk}": statement for statement in statements}

    def draw(names):
        prefetch_related_objects([by_name[name] for name in names], speakers_in_order())
        return {
            name: render_to_string(
                LIST_ITEM_TEMPLATE,
                {"statement": by_name[name], "level": 2, "filter": filterset},
            )
            for name in names
        }

    drawn = cached_many_for_generation(list(by_name), draw) if cached else draw(by_name)
    for name, statement in by_name.items():
        statement.list_item = drawn[name]


class PageMetaMixin:
    """What a public page's <head> says about it: title, description, canonical URL."""

    og_type = "website"

    def get_page_meta(self, context):
        return {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meta = {
            "page_description": SITE_DESCRIPTION,
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
    latest_count = 10

    def get_context_data(self, **kwargs):
        published = Statement.objects.published()
        return super().get_context_data(
            featured=published.filter(featured=True).with_turns().first(),
            latest=published.for_listing()[: self.latest_count],
            **kwargs,
        )


class StatementListView(PageMetaMixin, FilterView):
    filterset_class = StatementFilter
    template_name = "statements/statement_list.html"
    paginate_by = 20
    paginator_class = ArchivePaginator
    strict = True

    def listing(self):
        # Speakers are fetched for the items drawn (see draw_list_items).
        return Statement.objects.published().for_listing().prefetch_related(None)

    def get_queryset(self):
        return self.listing()

    def get_paginator(self, queryset, per_page, **kwargs):
        count_key = None
        if self.filterset.is_valid():
            filters = self.request.GET.copy()
            filters.pop(self.page_kwarg, None)
            query = hashlib.sha256(filters.urlencode().encode()).hexdigest()
            count_key = f"matches:{self.request.path}?{query}"
        return super().get_paginator(
            queryset, per_page, count_key=count_key, rows=self.listing(), **kwargs
        )

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
        draw_list_items(context["object_list"], self.filterset, cached=not words)
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
            page_title += f", page {page.number}"
            canonical_query["page"] = page.number
        feed_filters = self.get_feed_filters()
        return {
            "page_title": page_title,
            "feed_title": title,
            "page_description": (
                f"{describe(self.filterset)}, from the {SITE_NAME.lower()}."
            ),
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
        position = f", {self.speaker.position}" if self.speaker.position else ""
        return {
            **super().get_page_meta(context),
            "page_description": f"Statements by {self.speaker.name}{position}.",
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(speaker=self.speaker, **kwargs)


class StatementDetailView(PageMetaMixin, DetailView):
    template_name = "statements/statement_detail.html"
    og_type = "article"

    def get_queryset(self):
        statements = Statement.objects.with_turns()
        # Staff who may read statements in the admin may preview them here.
        if self.request.user.has_perm("statements.view_statement"):
            return statements
        return statements.published()

    def get_context_data(self, **kwargs):
        neighbours = Statement.objects.published().only("title", "slug")
        return super().get_context_data(
            newer=neighbours.newer_than(self.object).first(),
            older=neighbours.older_than(self.object).first(),
            **kwargs,
        )

    def get_page_meta(self, context):
        statement = self.object
        return {
            "page_title": statement.title,
            "page_description": Truncator(statement.summary).words(40),
            "canonical_path": statement.get_absolute_url(),
            "structured_data": json_ld(self.news_article(statement)),
        }

    def news_article(self, statement):
        """schema.org NewsArticle, for search engines' article results."""
        publisher = {
            "@type": "Organization",
            "name": SITE_NAME,
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
            "description": statement.summary,
            "datePublished": statement.published_at.isoformat(),
            "dateModified": statement.updated_at.isoformat(),
            "author": speakers or [publisher],
            "publisher": publisher,
            "mainEntityOfPage": self.absolute(statement.get_absolute_url()),
            "articleSection": statement.get_kind_display(),
            "keywords": [topic.name for topic in statement.topics.all()],
        }

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if not self.object.is_public:
            add_never_cache_headers(response)
        return response
