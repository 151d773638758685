from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from .filters import StatementFilter
from .models import Speaker, Statement
from .pagination import ArchivePaginator
from .search import attach_snippets


class HomeView(TemplateView):
    template_name = "statements/home.html"
    latest_count = 10

    def get_context_data(self, **kwargs):
        published = Statement.objects.published()
        return super().get_context_data(
            featured=published.filter(featured=True).with_turns().first(),
            latest=published.for_listing()[: self.latest_count],
            **kwargs,
        )


class StatementListView(FilterView):
    filterset_class = StatementFilter
    template_name = "statements/statement_list.html"
    paginate_by = 20
    paginator_class = ArchivePaginator
    strict = True

    def get_queryset(self):
        return Statement.objects.published().for_listing()

    def get_paginator(self, queryset, per_page, **kwargs):
        filters = self.request.GET.copy()
        filters.pop(self.page_kwarg, None)
        count_key = f"count:{self.request.path}?{filters.urlencode()}"
        return super().get_paginator(queryset, per_page, count_key=count_key, **kwargs)

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
        return context

    def render_to_response(self, context, **response_kwargs):
        # Bad filter values are the visitor's mistake: show the form's errors.
        if self.filterset.is_bound and not self.filterset.is_valid():
            response_kwargs["status"] = 400
        return super().render_to_response(context, **response_kwargs)


class SpeakerView(StatementListView):
    template_name = "statements/speaker_detail.html"

    def get(self, request, *args, **kwargs):
        self.speaker = get_object_or_404(Speaker, slug=kwargs["slug"])
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().by_speaker(self.speaker)

    def get_context_data(self, **kwargs):
        return super().get_context_data(speaker=self.speaker, **kwargs)


class StatementDetailView(DetailView):
    template_name = "statements/statement_detail.html"

    def get_queryset(self):
        statements = Statement.objects.with_turns()
        if self.request.user.is_staff:
            return statements
        return statements.published()

    def get_context_data(self, **kwargs):
        neighbours = Statement.objects.published().only("title", "slug")
        return super().get_context_data(
            newer=neighbours.newer_than(self.object).first(),
            older=neighbours.older_than(self.object).first(),
            **kwargs,
        )

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if not self.object.is_public:
            add_never_cache_headers(response)
        return response
