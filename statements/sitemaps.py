from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Speaker, Statement


class StatementSitemap(Sitemap):
    def items(self):
        return Statement.objects.published().only("slug", "updated_at")

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
