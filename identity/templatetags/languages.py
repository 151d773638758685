from django import template
from django.utils import translation

from identity.languages import language_tag, open_graph_locale, page_languages

register = template.Library()


@register.simple_tag(takes_context=True)
def languages_of_page(context):
    """The page in every language, for hreflang links and the language switch."""
    request = context.get("request")
    full_path = request.get_full_path() if request else "/"
    return page_languages(full_path, context.get("versions"))


@register.simple_tag
def current_language_tag():
    return language_tag(translation.get_language())


@register.simple_tag
def current_open_graph_locale():
    return open_graph_locale(translation.get_language())
