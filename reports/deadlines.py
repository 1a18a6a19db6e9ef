"""Deadlines in words, read relative to the report's dateline: "before month-end", "by the end
of June", "within 100 days", "next week", "in two weeks", "by 15 July". A deadline is the end of
its last day in the editor's time zone. "within 100 days" of an event that has not happened
(a ceasefire in a proposal) has no date yet: it is an offset from that event."""

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import dateparser

from .languages import Language


@dataclass(frozen=True)
class Deadline:
    words: str  # the phrase as the report has it
    start: int  # its place in the text it was found in
    end: int
    due_at: dt.datetime | None  # None: it runs from another event (see offset_days)
    offset_days: int | None = None  # days after that event, or after the dateline
    event: str = ""  # the event it counts from, when the words name it ("of the ceasefire")


def end_of_day(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=tz)


def _end_of_month(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _count(word: str, lang: Language) -> int | None:
    word = word.lower()
    if word.isdigit():
        return int(word)
    return lang.number_words.get(word)


def _span_days(dateline: dt.date, count: int, unit: str) -> int:
    if unit == "weeks":
        return 7 * count
    if unit == "months":
        return (_add_months(dateline, count) - dateline).days
    if unit == "years":
        return (_add_months(dateline, 12 * count) - dateline).days
    return count


def _patterns(lang: Language) -> list[tuple[re.Pattern, str]]:
    """The language's deadline phrases (its table's `deadline_phrases`, in the order tried),
    with its month names, units of time and number words filled in."""
    words = {
        "months": "|".join(lang.months),
        "units": "|".join(u for u, kind in lang.units_of_time.items() if kind != "hours"),
        "count": r"(\d+|" + "|".join(lang.number_words) + ")",
    }
    return [
        (re.compile(template.format(**words), re.I), rule)
        for rule, template in lang.deadline_phrases
    ]


def find_deadline(
    text: str, *, dateline: dt.date, tz: ZoneInfo, lang: Language, relative_to_event: bool = False
) -> Deadline | None:
    """The first deadline phrase in `text`, read from `dateline`. With `relative_to_event`
    ("within 100 days" in a proposal whose start is not yet known) a span of days becomes an
    offset with no date."""
    for pattern, rule in _patterns(lang):
        match = pattern.search(text)
        if not match:
            continue
        words, start, end = match.group(0), match.start(), match.end()
        if rule == "month_end":
            day = _end_of_month(dateline.year, dateline.month)
        elif rule == "end_of_named_month":
            month = lang.months[match.group(1).lower()]
            year = dateline.year + (1 if month < dateline.month else 0)
            day = _end_of_month(year, month)
        elif rule == "year_end":
            day = dt.date(dateline.year, 12, 31)
        elif rule in ("within", "in"):
            count = _count(match.group(1), lang)
            if count is None:
                continue
            days = _span_days(dateline, count, lang.units_of_time[match.group(2).lower()])
            event = match.group(3) if rule == "within" else None
            if event or (relative_to_event and rule == "within"):
                return Deadline(
                    words, start, end, due_at=None, offset_days=days, event=(event or "").strip()
                )
            day = dateline + dt.timedelta(days=days)
        elif rule == "next_week":
            # The week after the dateline's, to its last day (weeks end on Sunday).
            day = dateline + dt.timedelta(days=13 - dateline.weekday())
        elif rule == "next_month":
            following = _add_months(dateline.replace(day=1), 1)
            day = _end_of_month(following.year, following.month)
        else:  # by_date
            base = dt.datetime.combine(dateline, dt.time())
            parsed = dateparser.parse(
                match.group(1),
                languages=[lang.code],
                settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "future"},
            )
            if parsed is None:
                continue
            day = parsed.date()
        return Deadline(words, start, end, due_at=end_of_day(day, tz))
    return None
