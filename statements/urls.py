from django.urls import path

from . import feeds, views
from .caching import cache_public_page

app_name = "statements"

urlpatterns = [
    path("", cache_public_page(views.HomeView.as_view()), name="home"),
    path(
        "statements/",
        cache_public_page(views.StatementListView.as_view()),
        name="list",
    ),
    path("statements/rss/", cache_public_page(feeds.StatementFeed()), name="rss"),
    path("statements/atom/", cache_public_page(feeds.StatementAtomFeed()), name="atom"),
    path(
        "statements/<slug:slug>/",
        cache_public_page(views.StatementDetailView.as_view()),
        name="detail",
    ),
    path(
        "speakers/<slug:slug>/",
        cache_public_page(views.SpeakerView.as_view()),
        name="speaker",
    ),
]
