"""Counters' wording agrees with the number, by CLDR's plural rules."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from counters.models import TrackedIncident
from counters.plurals import agreeing, categories, form_error

NUMBERS = [*range(201), *range(1000, 1501)]
ENGLISH = "{day has passed|days have passed} since the incident"
RUSSIAN = "{день прошёл|дня прошло|дней прошло} с момента инцидента"


def russian_noun(number):
    """The grammar book's rule, written out: 1, 21, 101 день; 2-4, 22-24 дня;
    5-20, 25-30, 111-114 дней."""
    if number % 10 == 1 and number % 100 != 11:
        return "день прошёл"
    if number % 10 in (2, 3, 4) and number % 100 not in (12, 13, 14):
        return "дня прошло"
    return "дней прошло"


@pytest.mark.parametrize("number", NUMBERS)
def test_russian_wording_takes_the_form_its_number_needs(number):
    assert agreeing(RUSSIAN, number, "ru") == (
        f"{russian_noun(number)} с момента инцидента"
    )


@pytest.mark.parametrize("number", NUMBERS)
def test_english_wording_is_singular_for_one_alone(number):
    expected = "day has passed" if number == 1 else "days have passed"

    assert agreeing(ENGLISH, number, "en") == f"{expected} since the incident"


@pytest.mark.parametrize(
    "number, words",
    [
        (1, "1 день"),
        (2, "2 дня"),
        (5, "5 дней"),
        (11, "11 дней"),
        (21, "21 день"),
        (1363, "1363 дня"),
        (1371, "1371 день"),
    ],
)
def test_the_issues_examples(number, words):
    assert f"{number} {agreeing('{день|дня|дней}', number, 'ru')}" == words


def test_each_language_has_the_forms_its_whole_numbers_take():
    assert categories("en") == ("one", "other")
    assert categories("ru") == ("one", "few", "many")


def test_wording_without_braces_reads_the_same_for_every_number():
    assert agreeing("days since", 1, "en") == "days since"


@pytest.mark.django_db
def test_the_header_uses_the_pages_language_and_falls_back_to_english():
    incident = TrackedIncident(
        title="x", happened_on=datetime.date(2020, 1, 1), sentence_en=ENGLISH
    )
    with translation.override("ru"):
        assert incident.wording(2) == "days have passed since the incident"
        incident.sentence_ru = RUSSIAN
        assert incident.wording(2) == "дня прошло с момента инцидента"


@pytest.mark.django_db
def test_wording_with_the_wrong_number_of_forms_is_refused():
    incident = TrackedIncident(
        title="x",
        happened_on=datetime.date(2020, 1, 1),
        sentence_en=ENGLISH,
        sentence_ru="{день прошёл|дней прошло} с момента",
    )

    with pytest.raises(ValidationError) as error:
        incident.full_clean()

    assert "sentence_ru" in error.value.message_dict
    assert "3 forms" in error.value.message_dict["sentence_ru"][0]
    assert form_error(ENGLISH, "en") is None
