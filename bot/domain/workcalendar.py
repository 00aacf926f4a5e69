"""China's working calendar: statutory holidays and adjusted workdays (调休).

The ``chinese-calendar`` package knows 2004–2026 and raises for later years. Years it does not
know come from data files (``schedules/holidays/cn-YYYY.yaml``) that an admin adds when the
State Council publishes them each November; for a year with neither, the statutory holidays
are computed (``bot.domain.statutory``) and only the notice's bridge days and 调休 swaps are
missing, which we say (``missing_years``), never crash.

A year's schedule may reach into the December before it (元旦 2024 began on 2023-12-30), so
a day is looked up in its own year's data and in the next year's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import chinese_calendar

from bot.domain.statutory import statutory_holidays


@dataclass(frozen=True)
class HolidayYear:
    """One year's official schedule: days off (holiday blocks, weekends included) and the
    weekend days that are worked instead (调休)."""

    year: int
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]


def _package_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@dataclass
class WorkCalendar:
    """Answers "is this a working day?" for any date, with data files taking precedence."""

    years: Mapping[int, HolidayYear] = field(default_factory=dict)
    _known: dict[int, bool] = field(default_factory=dict, repr=False)

    def has_data(self, year: int) -> bool:
        if year in self.years:
            return True
        if year not in self._known:
            self._known[year] = _package_knows(year)
        return self._known[year]

    def source(self, year: int) -> str:
        """Where ``year``'s days off come from: ``file``, ``package`` or ``computed``."""
        if year in self.years:
            return "file"
        return "package" if self.has_data(year) else "computed"

    def missing_years(self, years: Iterable[int]) -> list[int]:
        """Years among ``years`` without the State Council's notice (computed holidays only)."""
        return sorted({y for y in years if not self.has_data(y)})

    def _listed(self, day: dt.date) -> bool | None:
        """What a data file says about ``day`` (its own year's, or next year's spill-over)."""
        for data in (self.years.get(day.year), self.years.get(day.year + 1)):
            if data is not None:
                if day in data.workdays:
                    return True
                if day in data.holidays:
                    return False
        return None

    def is_workday(self, day: dt.date) -> bool:
        listed = self._listed(day)
        if listed is not None:
            return listed
        if day.year in self.years:
            return day.weekday() < 5
        if self.has_data(day.year):
            return bool(chinese_calendar.is_workday(day))
        return day.weekday() < 5 and day not in statutory_holidays(day.year)

    def previous_workday(self, day: dt.date, *, not_before: dt.date | None = None) -> dt.date:
        """The last workday on or before ``day``; ``day`` itself if none down to ``not_before``."""
        probe = day
        while not self.is_workday(probe):
            probe -= dt.timedelta(days=1)
            if (not_before is not None and probe < not_before) or (day - probe).days > 31:
                return day
        return probe

    def next_workday(self, day: dt.date, *, not_after: dt.date | None = None) -> dt.date:
        """The first workday on or after ``day``; ``day`` itself if none up to ``not_after``."""
        probe = day
        while not self.is_workday(probe):
            probe += dt.timedelta(days=1)
            if (not_after is not None and probe > not_after) or (probe - day).days > 31:
                return day
        return probe
