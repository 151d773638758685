"""Every string the public pages' templates translate has its Russian."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates" / "jinja2"


def template_strings():
    """(context, msgid) of each string in the Jinja2 templates, as Babel finds them."""
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        TEMPLATES,
        method_map=[("**.html", "jinja2")],
        options_map={"**.html": {"extensions": "jinja2.ext.i18n"}},
    ):
        msgid = message[0] if isinstance(message, tuple | list) else message
        found.add((context, msgid))
    return found


def test_every_template_string_has_a_russian_translation():
    with open(Path(settings.BASE_DIR) / "locale/ru/LC_MESSAGES/django.po", "rb") as po:
        catalogue = read_po(po)
    strings = template_strings()

    untranslated = sorted(
        msgid
        for context, msgid in strings
        if not (entry := catalogue.get(msgid, context=context)) or not entry.string
    )

    assert len(strings) > 50  # the templates were read
    assert untranslated == []
