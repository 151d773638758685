"""The public pages' template engine (embassy/templating.py)."""

import datetime
import zoneinfo

import pytest
from django.template import defaultfilters
from django.utils import timezone, translation

from embassy.templating import date

LONDON = zoneinfo.ZoneInfo("Europe/London")
# 01:30 comes twice on the last Sunday of October in London.
TWICE = [
    datetime.datetime(2021, 10, 31, 0, 30, tzinfo=datetime.UTC),
    datetime.datetime(2021, 10, 31, 1, 30, tzinfo=datetime.UTC),
]
MOMENTS = [
    datetime.datetime(2021, 12, 4, 9, 5, 7, tzinfo=datetime.UTC),
    datetime.datetime(2021, 7, 4, 23, 30, tzinfo=datetime.UTC),  # Summer Time
    *TWICE,
    datetime.datetime(999, 1, 2, 3, 4, 5, tzinfo=datetime.UTC),
    datetime.date(2021, 12, 4),
]
FORMATS = [
    None,
    "DATE_FORMAT",
    "DATETIME_FORMAT",
    "SHORT_DATE_FORMAT",
    "Y-m-d\\TH:i:sO",
    "Y-m-d",
    "H:i",
    "d.m.Y \\a\\t H:i, 100%",
    "j E Y",
]


def djangos(moment, format):
    shown = timezone.localtime(moment) if hasattr(moment, "hour") else moment
    try:
        return defaultfilters.date(shown, format)
    except TypeError as error:  # a time's format for a date: Django refuses it
        return error


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("format", FORMATS)
def test_dates_read_as_djangos_date_filter_writes_them(language, format):
    with translation.override(language):
        for moment in MOMENTS:
            expected = djangos(moment, format)
            if isinstance(expected, TypeError):
                with pytest.raises(TypeError):
                    date(moment, format)
            elif moment not in TWICE or "O" not in (format or ""):
                assert date(moment, format) == expected, moment


def test_in_the_hour_that_comes_twice_a_time_keeps_its_offset():
    """Django's ``O`` leaves the offset out then; strftime writes which of
    the two it is."""
    first, second = TWICE
    assert date(first, "Y-m-d\\TH:i:sO") == "2021-10-31T01:30:00+0100"
    assert date(second, "Y-m-d\\TH:i:sO") == "2021-10-31T01:30:00+0000"
    assert timezone.get_current_timezone() == LONDON
