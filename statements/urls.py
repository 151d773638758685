from django.urls import path

from . import feeds, views
from .caching import cache_public_page
from .filters import StatementFilter

app_name = "statements"

# The query parameters a cached list or feed may have.
FILTERS = tuple(StatementFilter.base_filters)
PAGES = (*FILTERS, "page")

urlpatterns = [
    path("", cache_public_page(views.HomeView.as_view()), name="home"),
    path(
        "statements/",
        cache_public_page(views.StatementListView.as_view(), params=PAGES),
        name="list",
    ),
    path(
        "statements/rss/",
        cache_public_page(feeds.StatementFeed(), params=FILTERS),
        name="rss",
    ),
    path(
        "statements/atom/",
        cache_public_page(feeds.StatementAtomFeed(), params=FILTERS),
        name="atom",
    ),
    path(
        "statements/<slug:slug>/",
        cache_public_page(views.StatementDetailView.as_view()),
        name="detail",
    ),
    path(
        "speakers/",
        cache_public_page(views.SpeakerListView.as_view()),
        name="speakers",
    ),
    path(
        "speakers/<slug:slug>/",
        cache_public_page(views.SpeakerView.as_view(), params=PAGES),
        name="speaker",
    ),
]
