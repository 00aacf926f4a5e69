"""The desk's reporting periods (``?period=``): a month, a quarter, a half-year or a year.

Offices report upward by calendar unit, so the desk takes exactly four shapes: ``2026-11``
(a month), ``2026-Q4`` (a quarter), ``2026-H2`` (a half-year) and ``2026`` (a year); anything
else is a :class:`BadDeskPeriod` that names them. The dates are those of
:class:`bot.reports.period.Period` (the workbook's periods): local dates, **both ends
included**; ``range.end_utc(tz)`` gives the exclusive end as a moment.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal, cast

from bot.render import Renderer
from bot.reports.period import Period, calendar_period, calendar_unit

PeriodKind = Literal["month", "quarter", "half", "year"]
FIRST_YEAR = 2000  # nothing of this bot's is older; a year before it is a typo
YEARS_AHEAD = 1  # next year's plan may be looked at, nothing further
SHAPES = ("2026-11", "2026-Q4", "2026-H2", "2026")  # what the error page shows, in this order
_SHAPE = re.compile(r"^([0-9]{4})(?:-(?:([0-9]{1,2})|[Qq]([0-9])|[Hh]([0-9])))?$")
_MAX_GIVEN = 40  # a longer ?period= is cut in the error (never echoed whole)


class BadDeskPeriod(ValueError):
    """``?period=`` is none of the four shapes, or names a year out of range."""

    def __init__(self, given: str, *, first_year: int, last_year: int) -> None:
        self.given = given[:_MAX_GIVEN]
        self.first_year, self.last_year = first_year, last_year
        super().__init__(
            f"period {self.given!r}: expected YYYY-MM, YYYY-Qn (1-4), YYYY-Hn (1-2) or YYYY, "
            f"years {first_year}-{last_year}"
        )


@dataclass(frozen=True)
class DeskPeriod:
    """One calendar unit; ``start`` and ``end`` are local dates, both included."""

    kind: PeriodKind
    year: int
    number: int  # the month (1-12), quarter (1-4) or half (1-2); 1 for a year
    start: dt.date
    end: dt.date  # the last day, included

    @property
    def range(self) -> Period:
        """The same dates as the workbook's period (for ``bot.reports``)."""
        return Period(self.start, self.end)

    @property
    def text(self) -> str:
        """The canonical ``?period=`` value: ``2026-11``, ``2026-Q4``, ``2026-H2``, ``2026``."""
        if self.kind == "month":
            return f"{self.year}-{self.number:02d}"
        if self.kind == "year":
            return str(self.year)
        return f"{self.year}-{'Q' if self.kind == 'quarter' else 'H'}{self.number}"

    def label(self, renderer: Renderer, locale: str) -> str:
        """``2026年第四季度`` / ``Q4 2026``: the period as a title says it."""
        return renderer.text(
            locale, "reports/period_label", kind=self.kind, year=self.year, number=self.number
        )


def of(kind: PeriodKind, year: int, number: int = 1) -> DeskPeriod:
    """The desk period for a unit (ValueError when ``number`` is out of range)."""
    dates = calendar_period(kind, year, number)
    return DeskPeriod(kind, year, number, dates.start, dates.end)


def from_range(period: Period) -> DeskPeriod | None:
    """The desk period whose dates ``period`` has, if it is exactly one calendar unit."""
    unit = calendar_unit(period)
    if unit is None:
        return None
    kind, year, number = unit
    return of(cast(PeriodKind, kind), year, number)


def parse_period(text: str, today: dt.date) -> DeskPeriod:
    """``text`` as a period; BadDeskPeriod (naming the four shapes) when it is none of them,
    empty included, or its year is before FIRST_YEAR or after next year."""
    given = text.strip()
    last_year = today.year + YEARS_AHEAD
    error = BadDeskPeriod(given, first_year=FIRST_YEAR, last_year=last_year)
    match = _SHAPE.fullmatch(given)
    if match is None:
        raise error
    year = int(match[1])
    if not FIRST_YEAR <= year <= last_year:
        raise error
    month, quarter, half = match[2], match[3], match[4]
    kind: PeriodKind = "month" if month else "quarter" if quarter else "half" if half else "year"
    try:
        return of(kind, year, int(month or quarter or half or 1))
    except ValueError:
        raise error from None


def period_param(value: str | None, today: dt.date) -> DeskPeriod:
    """The ``?period=`` of a request: absent means the month ``today`` is in (the desk's
    default); present, it must parse (an empty value is a BadDeskPeriod too)."""
    if value is None:
        return of("month", today.year, today.month)
    return parse_period(value, today)


def previous(period: DeskPeriod) -> DeskPeriod:
    """The unit of the same kind just before ``period`` (2026-01 → 2025-12, 2026-Q1 → 2025-Q4)."""
    if period.number > 1:
        return of(period.kind, period.year, period.number - 1)
    last = {"month": 12, "quarter": 4, "half": 2, "year": 1}[period.kind]
    return of(period.kind, period.year - 1, last)


def shortcuts(today: dt.date) -> list[DeskPeriod]:
    """The periods a desk offers at one click: each kind's current one and the one before."""
    month = of("month", today.year, today.month)
    quarter = of("quarter", today.year, (today.month - 1) // 3 + 1)
    half = of("half", today.year, (today.month - 1) // 6 + 1)
    year = of("year", today.year)
    return [p for unit in (month, quarter, half, year) for p in (unit, previous(unit))]
