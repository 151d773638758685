"""The site's languages: the tag each declares, and where each page is in the others."""

from django.conf import settings
from django.urls import reverse, translate_url
from django.utils import translation


def language_tag(code):
    """The BCP 47 tag pages declare: "en-GB" for "en" (see LANGUAGE_TAGS)."""
    return settings.LANGUAGE_TAGS.get(code, code)


def open_graph_locale(code):
    return language_tag(code).replace("-", "_")


def url_in(code, get_url):
    """``get_url()`` (a ``get_absolute_url``) with ``code`` the active language."""
    with translation.override(code):
        return get_url()


def in_language(url_name, code):
    return url_in(code, lambda: reverse(url_name))


def same_page_in(full_path, code):
    """This page's address in ``code``; its home page when there is none."""
    translated = translate_url(full_path, code)
    if translated == full_path and code != translation.get_language():
        return in_language("statements:home", code)
    return translated


def page_languages(full_path, versions=None):
    """For each language: its code, tag, name, and where this page is in it.

    ``versions`` (a statement's, ``{code: url}``) decides where a statement
    page leads: to its version in that language when there is one; otherwise
    search engines are told of that language's list (``alternate``) and the
    switch leads to its home page (``switch``).
    """
    current = translation.get_language()
    languages = []
    for code, name in settings.LANGUAGES:
        if versions is None:
            alternate = switch = same_page_in(full_path, code)
        elif code in versions:
            alternate = switch = versions[code]
        else:
            alternate = in_language("statements:list", code)
            switch = in_language("statements:home", code)
        languages.append(
            {
                "code": code,
                "tag": language_tag(code),
                "name": name,
                "alternate": alternate,
                "switch": switch,
                "current": code == current,
            }
        )
    return languages
