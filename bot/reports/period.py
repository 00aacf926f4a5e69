"""Reporting periods typed by people (``2026-11``, ``2026Q4``, ``2026H2``, ``2026``,
``2026-11-01..2026-11-15``).

A period is a range of local dates, both ends included. An occurrence belongs to it when its
window opened by the period's last day and it fell due on or after its first day, so a
monthly duty still in progress shows up in the current period and not only once overdue.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.errors import BadPeriod

DEFAULT_DAYS = 30


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise BadPeriod(given=f"{self.start}..{self.end}")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def start_utc(self, tz: str) -> dt.datetime:
        """The first moment of the period in ``tz``."""
        return dt.datetime.combine(self.start, dt.time(), ZoneInfo(tz)).astimezone(dt.UTC)

    def end_utc(self, tz: str) -> dt.datetime:
        """The first moment after the period in ``tz`` (exclusive bound)."""
        after = self.end + dt.timedelta(days=1)
        return dt.datetime.combine(after, dt.time(), ZoneInfo(tz)).astimezone(dt.UTC)


def local_today(now: dt.datetime, tz: str) -> dt.date:
    return now.astimezone(ZoneInfo(tz)).date()


def last_days(today: dt.date, days: int = DEFAULT_DAYS) -> Period:
    return Period(today - dt.timedelta(days=days - 1), today)


def _month(year: int, month: int) -> Period:
    first = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return Period(first, following - dt.timedelta(days=1))


# A calendar unit: its kind and how many months it spans.
UNIT_MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}


def calendar_period(kind: str, year: int, number: int = 1) -> Period:
    """The ``number``-th month, quarter or half of ``year`` (``kind="year"``: the whole year).

    Raises ValueError when ``number`` is out of range for the kind (month 13, quarter 5).
    """
    months = UNIT_MONTHS[kind]
    if not 1 <= number <= 12 // months:
        raise ValueError(f"{kind} {number}")
    first = (number - 1) * months + 1
    return Period(_month(year, first).start, _month(year, first + months - 1).end)


def calendar_unit(period: Period) -> tuple[str, int, int] | None:
    """``(kind, year, number)`` when ``period`` is exactly one month, quarter, half or year."""
    start = period.start
    if start.day != 1 or period.end.year != start.year:
        return None
    for kind, months in UNIT_MONTHS.items():
        if (start.month - 1) % months == 0:
            number = (start.month - 1) // months + 1
            if calendar_period(kind, start.year, number) == period:
                return kind, start.year, number
    return None


# Separators and the day suffix include the CJK forms people type (至, 天); they are input syntax.
_RANGE = r"^(\d{4}-\d{2}-\d{2})\s*(?:\.\.|~|—|至|\s)\s*(\d{4}-\d{2}-\d{2})$"  # i18n: input syntax
_FORMS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(\d{4})$"), "year"),
    (re.compile(r"^(\d{4})-?[Qq]([1-4])$"), "quarter"),
    (re.compile(r"^(\d{4})-?[Hh]([12])$"), "half"),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), "month"),
    (re.compile(_RANGE), "range"),
    (re.compile(r"^(\d{4}-\d{2}-\d{2})$"), "day"),
    (re.compile(r"^(\d{1,3})[dD天]$"), "days"),  # i18n: input syntax
]


def parse_period(text: str | None, *, today: dt.date) -> Period:
    """The period ``text`` names; empty means the last 30 days. Raises BadPeriod."""
    given = " ".join((text or "").split())
    if not given:
        return last_days(today)
    try:
        for pattern, form in _FORMS:
            match = pattern.match(given)
            if match is None:
                continue
            parts = match.groups()
            if form == "year":
                return calendar_period("year", int(parts[0]))
            if form in ("quarter", "half"):
                return calendar_period(form, int(parts[0]), int(parts[1]))
            if form == "month":
                return _month(int(parts[0]), int(parts[1]))
            if form == "range":
                return Period(dt.date.fromisoformat(parts[0]), dt.date.fromisoformat(parts[1]))
            if form == "day":
                day = dt.date.fromisoformat(parts[0])
                return Period(day, day)
            if 1 <= int(parts[0]) <= 366:
                return last_days(today, int(parts[0]))
    except ValueError:
        pass
    raise BadPeriod(given=given)
