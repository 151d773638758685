from django.urls import path

from . import views

app_name = "statements"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("statements/", views.StatementListView.as_view(), name="list"),
    path(
        "statements/<slug:slug>/",
        views.StatementDetailView.as_view(),
        name="detail",
    ),
    path("speakers/<slug:slug>/", views.SpeakerView.as_view(), name="speaker"),
]
