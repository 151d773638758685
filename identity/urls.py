from django.urls import path

from embassy.pagecache.pages import public_page

from . import views

app_name = "identity"

urlpatterns = [
    path("about/", public_page(views.AboutView.as_view()), name="about"),
]
