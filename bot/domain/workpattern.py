"""How a site works: office days, or continuous operation in shifts.

Most high-risk sites (mines, chemical plants, smelters) run around the clock, weekends and
holidays included, in shifts. For them a daily duty exists every calendar day, and a
per-shift duty (班前会) once before each shift; an office-day site has them on working days.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MAX_SHIFTS = 4
_CLOCK = re.compile("^([01]?\\d|2[0-3])[:\uff1a]([0-5]\\d)$")  # ASCII or full-width colon


@dataclass(frozen=True)
class WorkPattern:
    """``shifts``: start times of the shifts of a continuous site; empty for office days."""

    shifts: tuple[dt.time, ...] = ()

    @property
    def continuous(self) -> bool:
        return bool(self.shifts)

    def stored(self) -> tuple[str, str | None]:
        """The enterprise columns (``work_pattern``, ``shift_starts``) for this pattern."""
        if not self.shifts:
            return "office", None
        return "continuous", ",".join(t.strftime("%H:%M") for t in self.shifts)

    @classmethod
    def load(cls, work_pattern: str, shift_starts: str | None) -> WorkPattern:
        """The pattern the enterprise columns describe (anything unreadable: office days)."""
        if work_pattern != "continuous" or not shift_starts:
            return OFFICE_DAYS
        return parse_shifts(shift_starts.split(",")) or OFFICE_DAYS


OFFICE_DAYS = WorkPattern()


def parse_shifts(texts: list[str]) -> WorkPattern | None:
    """Shift start times as typed (``08:00 16:00 00:00``): 1–4 distinct times, in day order.

    None if any is not a time or there are too many.
    """
    times: set[dt.time] = set()
    for text in texts:
        match = _CLOCK.match(text.strip())
        if match is None:
            return None
        times.add(dt.time(int(match[1]), int(match[2])))
    if not times or len(times) > MAX_SHIFTS:
        return None
    return WorkPattern(tuple(sorted(times)))
