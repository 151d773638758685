from collections import defaultdict
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max

from identity.languages import in_language, language_tag, url_in

from .models import Speaker, Statement

LANGUAGES = [code for code, _name in settings.LANGUAGES]


class WithAlternates(Sitemap):
    """Each address with its versions in the other languages (hreflang)."""

    def alternates_of(self, item):
        """``{language: path}`` of ``item`` in every language it exists in."""
        raise NotImplementedError

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page, site, protocol)
        for url in urls:
            origin = url["location"].removesuffix(self.location(url["item"]))
            versions = self.alternates_of(url["item"])
            url["alternates"] = [
                {"lang_code": language_tag(code), "location": f"{origin}{path}"}
                for code, path in versions.items()
            ]
        return urls


class StatementSitemap(WithAlternates):
    # Pages of 5,000 addresses, each read and drawn well within the web
    # statement timeout (50,000, Django's default, took seconds on 100k).
    limit = 5000

    def items(self):
        return (
            Statement.objects.published()
            .only("slug", "updated_at", "language", "translation_key")
            .order_by("pk")
            .with_gallery()
        )

    def get_latest_lastmod(self):
        """One aggregate: Django's default reads every statement to find it."""
        return self.items().aggregate(latest=Max("updated_at"))["latest"]

    def get_urls(self, page=1, site=None, protocol=None):
        """Each address with its versions (read for this page's statements
        only) and its pictures' addresses (Google's image sitemaps)."""
        keys = [
            statement.translation_key
            for statement in self.paginator.page(page).object_list
        ]
        self._versions = defaultdict(dict)
        for version in (
            Statement.objects.published()
            .filter(translation_key__in=keys)
            .only("slug", "language", "translation_key")
        ):
            self._versions[version.translation_key][version.language] = version
        urls = super().get_urls(page, site, protocol)
        for url in urls:
            url["images"] = [
                urljoin(url["location"], image.largest["url"])
                for image in url["item"].gallery
            ]
        return urls

    def lastmod(self, statement):
        return statement.updated_at

    def alternates_of(self, statement):
        return {
            code: version.get_absolute_url()
            for code, version in self._versions[statement.translation_key].items()
        }


class SpeakerSitemap(WithAlternates):
    def items(self):
        """A speaker's page in each language they have public statements in; a
        draft may name a new speaker."""
        pairs = (
            Statement.objects.published()
            .filter(speakers__isnull=False)
            .values_list("speakers", "language")
            .distinct()
        )
        languages = defaultdict(set)
        for speaker_id, language in pairs:
            languages[speaker_id].add(language)
        speakers = Speaker.objects.filter(pk__in=languages).order_by("pk")
        self._languages = languages
        return [
            (speaker, code)
            for speaker in speakers
            for code in LANGUAGES
            if code in languages[speaker.pk]
        ]

    def location(self, item):
        speaker, code = item
        return url_in(code, speaker.get_absolute_url)

    def alternates_of(self, item):
        speaker, _code = item
        return {
            code: url_in(code, speaker.get_absolute_url)
            for code in LANGUAGES
            if code in self._languages[speaker.pk]
        }


class PageSitemap(WithAlternates):
    def items(self):
        return [
            (name, code)
            for name in (
                "statements:home",
                "statements:list",
                "statements:topics",
                "identity:about",
            )
            for code in LANGUAGES
        ]

    def location(self, item):
        name, code = item
        return in_language(name, code)

    def alternates_of(self, item):
        name, _code = item
        return {code: in_language(name, code) for code in LANGUAGES}


sitemaps = {
    "pages": PageSitemap,
    "statements": StatementSitemap,
    "speakers": SpeakerSitemap,
}
