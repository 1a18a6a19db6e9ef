"""Deadlines in words, read from the dateline, ending at 23:59:59 in the editor's time zone."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from reports.deadlines import find_deadline
from reports.languages import ENGLISH

KYIV = ZoneInfo("Europe/Kyiv")
DATELINE = dt.date(2025, 6, 2)  # a Monday


def deadline(text: str, *, tz=KYIV, dateline=DATELINE, relative_to_event=False):
    return find_deadline(
        text, dateline=dateline, tz=tz, lang=ENGLISH, relative_to_event=relative_to_event
    )


@pytest.mark.parametrize(
    ("words", "day"),
    [
        ("Ukraine proposed further talks before month-end", dt.date(2025, 6, 30)),
        ("talks by the end of the month", dt.date(2025, 6, 30)),
        ("a second round by the end of June", dt.date(2025, 6, 30)),
        ("a second round before the end of July", dt.date(2025, 7, 31)),
        ("elections within 100 days", dt.date(2025, 9, 10)),
        ("a reply within two weeks", dt.date(2025, 6, 16)),
        ("a meeting next week", dt.date(2025, 6, 15)),  # the Sunday that ends next week
        ("an answer in two weeks", dt.date(2025, 6, 16)),
        ("an answer in 10 days", dt.date(2025, 6, 12)),
        ("a decision next month", dt.date(2025, 7, 31)),
        ("the list is due by 15 July", dt.date(2025, 7, 15)),
        ("the list is due by July 15, 2025", dt.date(2025, 7, 15)),
        ("a deal before year-end", dt.date(2025, 12, 31)),
    ],
)
def test_each_phrase_ends_on_its_day_at_midnight_in_the_time_zone(words, day):
    found = deadline(words)
    assert found is not None, words
    assert found.due_at == dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=KYIV)
    assert found.due_at.tzinfo == KYIV
    assert found.words.lower() in words.lower()


def test_the_same_words_in_another_time_zone_end_at_another_instant():
    kyiv = deadline("talks before month-end").due_at
    utc = deadline("talks before month-end", tz=ZoneInfo("UTC")).due_at
    assert utc - kyiv == dt.timedelta(hours=3)


def test_a_month_already_past_is_next_years():
    found = deadline("by the end of March")
    assert found.due_at.date() == dt.date(2026, 3, 31)


def test_within_days_of_an_event_that_has_not_happened_is_an_offset_with_no_date():
    found = deadline("hold elections within 100 days", relative_to_event=True)
    assert found.due_at is None
    assert found.offset_days == 100


def test_within_days_of_a_named_event_counts_from_that_event():
    found = deadline("Ukraine must hold elections within 100 days of the ceasefire, Moscow said")
    assert (found.due_at, found.offset_days, found.event) == (None, 100, "the ceasefire")


def test_within_days_from_now_counts_from_the_dateline():
    found = deadline("a reply within 10 days from now")
    assert found.due_at.date() == dt.date(2025, 6, 12)


def test_a_range_of_days_is_a_duration_not_a_deadline():
    assert deadline("localized 2-3 day ceasefires to collect the dead") is None


def test_next_week_from_a_sunday_is_the_week_after():
    sunday = dt.date(2025, 6, 1)
    assert deadline("next week", dateline=sunday).due_at.date() == dt.date(2025, 6, 8)
