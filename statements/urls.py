from django.urls import path

from embassy.pagecache.pages import public_page

from . import feeds, views
from .filters import StatementFilter

app_name = "statements"

# The query parameters a cached list or feed may have.
FILTERS = tuple(StatementFilter.base_filters)
PAGES = (*FILTERS, "page")

urlpatterns = [
    path("", public_page(views.HomeView.as_view()), name="home"),
    path(
        "statements/",
        public_page(views.StatementListView.as_view(), params=PAGES),
        name="list",
    ),
    path(
        "statements/rss/",
        public_page(feeds.StatementFeed(), params=FILTERS),
        name="rss",
    ),
    path(
        "statements/atom/",
        public_page(feeds.StatementAtomFeed(), params=FILTERS),
        name="atom",
    ),
    path(
        "statements/<slug:slug>/",
        public_page(views.StatementDetailView.as_view()),
        name="detail",
    ),
    path(
        "speakers/",
        public_page(views.SpeakerListView.as_view()),
        name="speakers",
    ),
    path(
        "topics/",
        public_page(views.TopicListView.as_view()),
        name="topics",
    ),
    path(
        "speakers/<slug:slug>/",
        public_page(views.SpeakerView.as_view(), params=PAGES),
        name="speaker",
    ),
]
