"""Wording that agrees with a number, through CLDR's plural rules (Babel).

Editors write the words that change with the number once, in braces, one
form per plural category the language's whole numbers take, in CLDR's order
(zero, one, two, few, many, other), separated by "|":

    English (one|other):        {day has|days have} passed since ...
    Russian (one|few|many):     {день прошёл|дня прошло|дней прошло} с ...

The rule for the number picks the form: 1 день, 2 дня, 5 дней, 11 дней, 21 день.
Text without braces reads the same for every number.
"""

import re
from functools import cache

from babel import Locale

FORMS = re.compile(r"\{([^{}]*)\}")
CLDR_ORDER = ("zero", "one", "two", "few", "many", "other")
# Whole numbers enough to meet every category a language's rules give them.
SAMPLE_NUMBERS = (*range(1000), 10**6, 10**9)


@cache
def plural_rule(language):
    return Locale.parse(language, sep="-").plural_form


@cache
def categories(language):
    """The categories whole numbers take in ``language``, in CLDR's order."""
    rule = plural_rule(language)
    found = {rule(number) for number in SAMPLE_NUMBERS}
    return tuple(category for category in CLDR_ORDER if category in found)


def form_error(text, language):
    """Why ``text`` cannot be read in ``language``, or None."""
    expected = categories(language)
    for match in FORMS.finditer(text):
        if len(match.group(1).split("|")) != len(expected):
            return (
                f"“{match.group(0)}” must give {len(expected)} forms separated "
                f"by “|”, for the numbers CLDR calls {', '.join(expected)}."
            )
    return None


def agreeing(text, number, language):
    """``text`` with each braced choice replaced by the form for ``number``."""
    index = categories(language).index(plural_rule(language)(number))

    def form(match):
        forms = match.group(1).split("|")
        return forms[index] if len(forms) > index else match.group(0)

    return FORMS.sub(form, text)
