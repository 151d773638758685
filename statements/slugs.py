"""The one rule that turns names and titles into URL slugs, in any script."""

import iuliia
from django.utils import timezone
from slugify import slugify as transliterated_slug

# Room kept for "-2", "-3"... when a slug is taken.
SUFFIX_ROOM = 8


def slugify(text, max_length):
    """Lower-case ASCII words joined by hyphens, cut at a word boundary.

    Cyrillic is written as English-language newspapers write Russian names
    (iuliia's Wikipedia scheme: "Сергей Лавров" gives "sergey-lavrov"); other
    scripts by Unidecode's tables (python-slugify: "外交部" gives "wai-jiao-bu").
    """
    # The scheme maps Cyrillic only: it gives ASCII text back unchanged, slowly.
    latin = text if text.isascii() else iuliia.WIKIPEDIA.translate(text)
    return transliterated_slug(latin, max_length=max_length, word_boundary=True)


def statement_slug(published_at, title, max_length=200):
    """A statement's slug: its publication day, then its title."""
    day = timezone.localdate(published_at).isoformat()
    words = slugify(title, max_length - len(day) - 1 - SUFFIX_ROOM)
    return f"{day}-{words}" if words else day


def numbered(base, number):
    """The ``number``-th slug for ``base``: the base itself, then base-2, base-3..."""
    return base if number == 1 else f"{base}-{number}"


def name_slug(name, max_length):
    """A speaker's or topic's slug, with room for a number."""
    return slugify(name, max_length - SUFFIX_ROOM) or "item"


def unique_slug(model, base, taken=()):
    """``base``, or the first of base-2, base-3... that no ``model`` row has.

    ``taken`` holds slugs already promised to rows not yet saved.
    """
    stored = model.objects.filter(slug__startswith=base).values_list("slug", flat=True)
    taken = {*stored, *taken}
    number = 1
    while numbered(base, number) in taken:
        number += 1
    return numbered(base, number)
