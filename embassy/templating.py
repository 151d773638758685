"""Jinja2 for the public pages: the templates under templates/jinja2/.

The pages most visited and least cacheable (lists, searches, statements)
render with Jinja2, which compiles a template to Python, where Django's
template language walks its nodes and resolves each variable on every
request: an uncached list page took 21.5 ms of CPU instead of 25.8
(bench/README.md). The admin and Django's own templates stay with Django's
engine.
"""

import datetime
import functools

import jinja2
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template import defaultfilters, defaulttags
from django.template.backends import jinja2 as django_jinja2
from django.templatetags.static import static
from django.templatetags.tz import do_timezone
from django.test.signals import template_rendered
from django.urls import reverse
from django.utils import formats, translation
from django.utils.timezone import template_localtime

from identity.languages import language_tag, open_graph_locale, page_languages


class Template(django_jinja2.Template):
    def render(self, context=None, request=None):
        # What Django's test client reads as ``response.context``, as Django's
        # own engine sends it; with no receiver (outside tests) it costs nothing.
        template_rendered.send(sender=self, template=self, context=context)
        return super().render(context, request)


class Jinja2(django_jinja2.Jinja2):
    def get_template(self, template_name):
        return Template(super().get_template(template_name).template, self)


# Django's date format characters that have a strftime twin (numbers only:
# names of months and days are translated, and stay with Django).
STRFTIME_TWINS = {
    "d": "%d",
    "m": "%m",
    "Y": "%Y",
    "H": "%H",
    "i": "%M",
    "s": "%S",
    "O": "%z",
}


@functools.cache
def strftime_pattern(format):
    """``format`` (Django's) as a strftime pattern, or None if it has no twin."""
    pattern, characters = [], iter(format)
    for character in characters:
        if character == "\\":
            character = next(characters, "")
        elif character.isalpha():
            if character not in STRFTIME_TWINS:
                return None
            pattern.append(STRFTIME_TWINS[character])
            continue
        pattern.append(character.replace("%", "%%"))
    return "".join(pattern)


def date(value, format=None):
    """Django's ``date`` filter, in the site's time zone as Django's engine shows it.

    A format of numbers only is written by strftime: a list page's 40 dates
    took 1.45 ms of CPU with Django's formatter, 0.63 ms this way. In the
    hour that comes twice in autumn, ``O`` gives the offset where Django's
    leaves it out.
    """
    value = template_localtime(value)
    # (strftime writes years before 1000 with fewer than four digits.)
    if isinstance(value, datetime.datetime) and value.year >= 1000:
        pattern = strftime_pattern(formats.get_format(format or "DATE_FORMAT"))
        if pattern is not None:
            return value.strftime(pattern)
    return defaultfilters.date(value, format)


def url(name, *args, **kwargs):
    return reverse(name, args=args or None, kwargs=kwargs or None)


@jinja2.pass_context
def querystring(context, **changes):
    """The page's query string with ``changes`` (Django's ``querystring`` tag)."""
    return defaulttags.querystring(None, context["request"].GET, **changes)


@jinja2.pass_context
def languages_of_page(context):
    """The page in every language, for hreflang links and the language switch."""
    request = context.get("request")
    full_path = request.get_full_path() if request else "/"
    return page_languages(full_path, context.get("versions"))


def environment(**options):
    # Like Django's engine: a missing variable or attribute renders as nothing.
    options["undefined"] = jinja2.ChainableUndefined
    options.setdefault("keep_trailing_newline", True)
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_translations(translation, newstyle=True)
    env.globals.update(
        url=url,
        static=static,
        querystring=querystring,
        languages_of_page=languages_of_page,
        language_tag=lambda: language_tag(translation.get_language()),
        open_graph_locale=lambda: open_graph_locale(translation.get_language()),
    )
    env.filters.update(
        date=date,
        intcomma=intcomma,
        timezone=do_timezone,
        truncatewords=defaultfilters.truncatewords,
        linebreaks=lambda text: defaultfilters.linebreaks_filter(text, autoescape=True),
    )
    return env
