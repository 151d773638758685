from urllib.parse import urljoin

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Speaker, Statement


class StatementSitemap(Sitemap):
    def items(self):
        return Statement.objects.published().only("slug", "updated_at").with_media()

    def get_urls(self, *args, **kwargs):
        """Each address with its pictures' addresses (Google's image sitemaps)."""
        urls = super().get_urls(*args, **kwargs)
        for url in urls:
            url["images"] = [
                urljoin(url["location"], image.largest["url"])
                for image in url["item"].gallery
            ]
        return urls

    def lastmod(self, statement):
        return statement.updated_at


class SpeakerSitemap(Sitemap):
    def items(self):
        """Speakers with something public to show; a draft may name a new one."""
        return Speaker.objects.filter(
            statements__in=Statement.objects.published()
        ).distinct()


class PageSitemap(Sitemap):
    def items(self):
        return ["statements:home", "statements:list"]

    def location(self, name):
        return reverse(name)


sitemaps = {
    "pages": PageSitemap,
    "statements": StatementSitemap,
    "speakers": SpeakerSitemap,
}
