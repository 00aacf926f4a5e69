"""The daily digest: when an enterprise hears from the bot, and what may come on its own.

Every routine reminder (days before a due date, on it, after it, a campaign's announcement,
an escalation) is moved to the enterprise's digest moment: its chosen local time (08:00 by
default) on one of its digest days (working days; every day for a continuous site). All that
falls on one day is then claimed together and goes out as one message. A reminder that would
fall on a day without a digest moves to the previous digest day if it announces something
(a lead, a due day, a campaign), to the next one if it chases something overdue. A per-shift
duty is listed in the last digest at least half an hour before its shift starts, and no
announcement comes after the moment it announces (a duty due at 09:00 with a 10:00 digest is
in the previous day's digest).

Snoozes are not moved: someone asked for that moment.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.reminder_kind import Family, ReminderKind, family_of
from bot.domain.workcalendar import WorkCalendar

DEFAULT_TIME = dt.time(8, 0)
SHIFT_LEAD = dt.timedelta(minutes=30)  # a shift's meeting is announced at least this early
_MAX_SEARCH_DAYS = 40
_CLOCK = re.compile("^([01]?\\d|2[0-3])[:\uff1a]([0-5]\\d)$")  # ASCII or full-width colon
_CHASING = {Family.OVERDUE, Family.ESCALATE}


class DigestMode(StrEnum):
    DAILY = "daily"  # every digest day on which anything is reminded, lead times included
    DUE_ONLY = "due_only"  # only on days something is due today or overdue


def parse_digest_time(text: str) -> dt.time | None:
    """``08:00`` or ``8:30`` (a full-width colon too); None for anything else (``25:00``, ``8点半``)."""
    match = _CLOCK.match(text.strip())
    return dt.time(int(match[1]), int(match[2])) if match else None


def stored_time(text: str | None) -> dt.time:
    """The enterprise's stored ``digest_time`` (anything unreadable: the default)."""
    return (parse_digest_time(text) if text else None) or DEFAULT_TIME


@dataclass(frozen=True)
class DigestSchedule:
    """An enterprise's digest moments: ``time`` local, on working days or (``every_day``) daily."""

    time: dt.time
    every_day: bool
    calendar: WorkCalendar

    def is_digest_day(self, day: dt.date) -> bool:
        return self.every_day or self.calendar.is_workday(day)

    def moment(self, day: dt.date, tz: dt.tzinfo) -> dt.datetime:
        return dt.datetime.combine(day, self.time, tzinfo=tz)

    def _day_from(self, day: dt.date, step: int) -> dt.date:
        probe = day
        for _ in range(_MAX_SEARCH_DAYS):
            if self.is_digest_day(probe):
                return probe
            probe += dt.timedelta(days=step)
        return day

    def align(
        self,
        kind: str,
        fire_at: dt.datetime,
        *,
        shift_start: dt.datetime | None = None,
        due: dt.datetime | None = None,
    ) -> dt.datetime:
        """The digest moment a planned reminder (``kind`` at ``fire_at``) goes out in.

        An announcement never comes after what it announces: if the day's digest is later
        than ``due`` (a 09:00 duty, a 10:00 digest), the previous digest takes it; a shift's
        meeting is in the last digest at least ``SHIFT_LEAD`` before the shift starts.
        """
        family = family_of(kind)
        tz = fire_at.tzinfo
        assert tz is not None
        if family is Family.SNOOZE:
            return fire_at
        if family in _CHASING:
            return self.moment(self._day_from(fire_at.date(), 1), tz)
        latest = due
        day = fire_at.date()
        if shift_start is not None:
            latest, day = shift_start - SHIFT_LEAD, shift_start.date()
        day = self._day_from(day, -1)
        if latest is not None:
            for _ in range(_MAX_SEARCH_DAYS):
                if self.moment(day, tz) <= latest:
                    break
                day = self._day_from(day - dt.timedelta(days=1), -1)
        return self.moment(day, tz)


def worth_sending(kinds: list[str], mode: DigestMode) -> bool:
    """Whether a digest of these reminder kinds goes out in ``mode``.

    ``DUE_ONLY`` keeps quiet on days that only announce what is days away.
    """
    if mode is DigestMode.DAILY:
        return bool(kinds)
    return any(not _heads_up(k) for k in kinds)


def _heads_up(kind: str) -> bool:
    """A reminder of something days away (a lead time, a campaign's advance notice)."""
    parsed = ReminderKind.parse(kind)
    return parsed.family is Family.LEAD or (parsed.family is Family.CAMPAIGN and parsed.days > 0)
