import datetime
from urllib.parse import urljoin

from django.contrib.syndication.views import Feed
from django.core.exceptions import BadRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from identity.context_processors import identity_of
from identity.languages import language_tag

from .characters import xml_safe
from .filters import StatementFilter
from .models import Statement


def applied_filters(filterset):
    """The filter values the visitor set, in the form's order, as query parameters.

    Canonical and feed addresses keep these and drop the rest (tracking
    parameters, empty fields), so one listing has one address.
    """
    if not filterset.is_bound or not filterset.is_valid():
        return {}
    return {
        name: value.isoformat()
        if isinstance(value, datetime.date)
        else getattr(value, "slug", value)
        for name, value in filterset.form.cleaned_data.items()
        if value not in (None, "")
    }


def describe(filterset, subject=None):
    """A title naming the filters: "Statements by Sergey Lavrov, transcripts"."""
    subject = subject or _("Statements")
    if not filterset.is_bound or not filterset.is_valid():
        return subject
    data = filterset.form.cleaned_data
    title = subject
    if data.get("speaker"):
        title = _("%(subject)s by %(speaker)s") % {
            "subject": subject,
            "speaker": data["speaker"].name,
        }
    parts = []
    if data.get("kind"):
        parts.append(str(Statement.KIND_PLURALS[data["kind"]]))
    if data.get("tag"):
        parts.append(_("on %(topic)s") % {"topic": data["tag"].name})
    if data.get("q"):
        parts.append(_("containing “%(words)s”") % {"words": data["q"]})
    if data.get("date_from"):
        day = date_format(data["date_from"], "DATE_FORMAT")
        parts.append(_("from %(day)s") % {"day": day})
    if data.get("date_to"):
        day = date_format(data["date_to"], "DATE_FORMAT")
        parts.append(_("to %(day)s") % {"day": day})
    return ", ".join([title, *parts])


def with_query(path, params):
    return f"{path}?{urlencode(params)}" if params else path


class SpeakersAsAuthors:
    """One author element per speaker; Django's generators write at most one."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, path in item["speakers"]:
            self.add_speaker(handler, name, urljoin(self.feed["link"], path))


class RssWithSpeakers(SpeakersAsAuthors, Rss201rev2Feed):
    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:dc": "http://purl.org/dc/elements/1.1/",
        }

    def add_speaker(self, handler, name, link):
        handler.addQuickElement("dc:creator", name)


class AtomWithSpeakers(SpeakersAsAuthors, Atom1Feed):
    def add_speaker(self, handler, name, link):
        handler.startElement("author", {})
        handler.addQuickElement("name", name)
        handler.addQuickElement("uri", link)
        handler.endElement("author")


class StatementFeed(Feed):
    """The newest public statements, narrowed by the list's own filters."""

    feed_type = RssWithSpeakers
    limit = 50
    url_name = "statements:rss"

    def get_feed(self, obj, request):
        """The feed, without the characters XML forbids in any text it holds."""
        feed = super().get_feed(obj, request)
        feed.feed = xml_safe(feed.feed)
        feed.items = [xml_safe(item) for item in feed.items]
        for item in feed.items:
            for enclosure in item["enclosures"]:
                enclosure.url = request.build_absolute_uri(enclosure.url)
        return feed

    def get_object(self, request):
        filterset = StatementFilter(
            request.GET or None,
            queryset=Statement.objects.published().in_current_language().for_listing(),
        )
        if filterset.is_bound and not filterset.is_valid():
            raise BadRequest("Invalid filter values.")
        # What the feed's own methods, which are given the filterset, name.
        filterset.site = identity_of(request)
        return filterset

    def title(self, filterset):
        return f"{describe(filterset)} - {filterset.site.short_name}"

    def description(self, filterset):
        return _("%(title)s, newest first, from the %(site)s.") % {
            "title": describe(filterset),
            "site": filterset.site.full_name,
        }

    def link(self, filterset):
        return with_query(reverse("statements:list"), applied_filters(filterset))

    def feed_url(self, filterset):
        return with_query(reverse(self.url_name), applied_filters(filterset))

    def author_name(self, filterset):
        return filterset.site.full_name

    @property
    def language(self):
        return language_tag(get_language())

    def items(self, filterset):
        # Each entry names its topics: one query for all, not one per entry.
        return filterset.qs.prefetch_related("topics")[: self.limit]

    def item_title(self, statement):
        return statement.title

    def item_description(self, statement):
        return statement.summary

    def item_pubdate(self, statement):
        return statement.published_at

    def item_updateddate(self, statement):
        return statement.updated_at

    def item_enclosures(self, statement):
        """The lead image, which feed readers show beside the item."""
        image = statement.lead_image
        if image is None:
            return []
        largest = image.largest
        return [Enclosure(largest["url"], str(largest["size"]), largest["mime_type"])]

    def item_categories(self, statement):
        return [topic.name for topic in statement.topics.all()]

    def item_extra_kwargs(self, statement):
        return {
            "speakers": [
                (speaker.name, speaker.get_absolute_url())
                for speaker in statement.ordered_speakers
            ]
        }


class StatementAtomFeed(StatementFeed):
    feed_type = AtomWithSpeakers
    url_name = "statements:atom"
    subtitle = StatementFeed.description
