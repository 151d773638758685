from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path
from django.views.generic import TemplateView

from library.views import media
from statements.sitemaps import sitemaps

from . import views
from .pagecache.pages import public_page

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    path(
        "sitemap.xml",
        public_page(sitemap_views.index),
        {"sitemaps": sitemaps, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<slug:section>.xml",
        public_page(sitemap_views.sitemap, params=("p",)),
        {"sitemaps": sitemaps, "template_name": "statements/sitemap.xml"},
        name="sitemap-section",
    ),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
    ),
    *i18n_patterns(
        path("", include("identity.urls")),
        path("", include("statements.urls")),
        prefix_default_language=False,
    ),
]

# Uploaded files, where they are files under a path of this site.
if settings.MEDIA_STORAGE == "filesystem" and not settings.MEDIA_ORIGIN:
    urlpatterns.append(
        re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.+)$", media)
    )

handler500 = "identity.views.server_error"
