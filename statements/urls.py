from django.urls import path

from . import feeds, views

app_name = "statements"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("statements/", views.StatementListView.as_view(), name="list"),
    path("statements/rss/", feeds.StatementFeed(), name="rss"),
    path("statements/atom/", feeds.StatementAtomFeed(), name="atom"),
    path(
        "statements/<slug:slug>/",
        views.StatementDetailView.as_view(),
        name="detail",
    ),
    path("speakers/<slug:slug>/", views.SpeakerView.as_view(), name="speaker"),
]
