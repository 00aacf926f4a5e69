"""Turn obligations into dated occurrences and the reminders due for them.

Pure functions: they receive the catalog entry, the enterprise profile, the working calendar
and the dates; nothing here reads a clock or a database. An occurrence is identified by a
stable ``key`` (obligation, area, period label) so materializing twice yields the same rows.

Each window is counted in the year its last day falls in, so a range of dates gets exactly
the windows that end inside it, however the range cuts through weeks, months or years.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.catalog.models import (
    ONLY_NATIONAL,
    REMINDER_FAMILIES,
    HolidayShift,
    Kind,
    Obligation,
    Period,
    Schedule,
    parse_clock,
    parse_month_day,
)
from bot.domain.reminder_kind import Family, ReminderKind
from bot.domain.workcalendar import WorkCalendar
from bot.domain.workpattern import OFFICE_DAYS, WorkPattern

ONE_DAY = dt.timedelta(days=1)
EVENT_LABEL_PREFIX = "event-"  # the label of an event's occurrences: event-<ref>
SHIFT_LEAD = dt.timedelta(minutes=30)  # a per-shift duty is reminded this long before the shift

__all__ = [
    "REMINDER_FAMILIES",
    "Occurrence",
    "PlannedReminder",
    "due_day",
    "occurrence_for_event",
    "occurrences",
    "plan_reminders",
]


@dataclass(frozen=True)
class Occurrence:
    """One instance of an obligation: the window to do it in and the moment it is due."""

    obligation_id: str
    area: str | None
    label: str
    window_start: dt.date
    window_end: dt.date  # inclusive last day
    due: dt.datetime  # aware, in the enterprise's timezone
    quota: int
    kind: str = Kind.DUTY.value
    shift: int | None = None  # 1-based shift of a per-shift duty at a continuous site

    @property
    def key(self) -> str:
        return f"{self.obligation_id}/{self.area or '-'}/{self.label}"

    @property
    def starts_at(self) -> dt.datetime:
        """Local midnight at the start of the window."""
        return dt.datetime.combine(self.window_start, dt.time(), tzinfo=self.due.tzinfo)

    @property
    def ends_before(self) -> dt.datetime:
        """The exclusive end of the window: local midnight after its last day."""
        return dt.datetime.combine(self.window_end + ONE_DAY, dt.time(), tzinfo=self.due.tzinfo)


@dataclass(frozen=True)
class PlannedReminder:
    kind: str  # "lead-7", "due", "overdue-1", "escalate", "campaign-lead-7", "campaign-start"
    fire_at: dt.datetime  # aware


def _month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return nxt - ONE_DAY


def _windows(schedule: Schedule, year: int) -> Iterator[tuple[str, dt.date, dt.date]]:
    """Every (label, first day, last day) of ``schedule`` whose last day lies in ``year``."""
    period = schedule.period
    if period is Period.MONTHLY:
        for m in range(1, 13):
            yield f"{year}-{m:02d}", dt.date(year, m, 1), _month_end(year, m)
    elif period is Period.QUARTERLY:
        for q in range(4):
            yield f"{year}-Q{q + 1}", dt.date(year, 3 * q + 1, 1), _month_end(year, 3 * q + 3)
    elif period is Period.HALF_YEARLY:
        yield f"{year}-H1", dt.date(year, 1, 1), dt.date(year, 6, 30)
        yield f"{year}-H2", dt.date(year, 7, 1), dt.date(year, 12, 31)
    elif period in (Period.YEARLY, Period.DEADLINE):
        first, last = schedule.window or ("01-01", "12-31")
        start, end = parse_month_day(first), parse_month_day(last)
        yield str(year), dt.date(year, *start), dt.date(year, *end)
    elif period is Period.WEEKLY:
        day = dt.date(year, 1, 1)
        day += dt.timedelta(days=(6 - day.weekday()))  # first Sunday of the year
        while day.year == year:
            iso = day.isocalendar()
            yield f"{iso.year}-W{iso.week:02d}", day - dt.timedelta(days=6), day
            day += dt.timedelta(days=7)
    elif period is Period.DAILY:
        day = dt.date(year, 1, 1)
        while day.year == year:
            yield day.isoformat(), day, day
            day += ONE_DAY
    elif period is Period.ONCE and schedule.date is not None and schedule.date.year == year:
        opens = schedule.start or schedule.date.replace(month=1, day=1)
        yield schedule.date.isoformat(), opens, schedule.date
    # Period.EVENT: no calendar windows; see occurrence_for_event


def due_day(first: dt.date, last: dt.date, shift: HolidayShift, cal: WorkCalendar) -> dt.date:
    """The working day a window falls due on: never a day off.

    ``previous`` keeps it inside the window; a window without a single working day (2026-W08,
    all Spring Festival) falls due on the first working day after it, as ``next`` does.
    """
    if shift is HolidayShift.PREVIOUS:
        day = cal.previous_workday(last, not_before=first)
        return day if cal.is_workday(day) else cal.next_workday(last)
    if shift is HolidayShift.NEXT:
        return cal.next_workday(last)
    return last


def occurrences(
    obligation: Obligation,
    *,
    sector: str,
    high_risk: bool,
    start: dt.date,
    end: dt.date,
    tz: ZoneInfo,
    calendar: WorkCalendar,
    regions: Collection[str] = ONLY_NATIONAL,
    pattern: WorkPattern = OFFICE_DAYS,
) -> list[Occurrence]:
    """Occurrences whose window ends within [start, end], one per area for per-area duties.

    ``regions`` is the profile (variants differ by region). At a continuous site (``pattern``)
    daily duties exist every calendar day and per-shift ones once per shift, due at its start.
    A campaign falls due when it starts (when it is announced), on its calendar date.
    """
    schedule = obligation.schedule_for(sector, high_risk, regions)
    due_time = parse_clock(schedule.due_time)
    per_area = obligation.areas_for(sector, high_risk, regions)
    areas: tuple[str | None, ...] = tuple(a.value for a in per_area) or (None,)
    kind = obligation.kind.value
    campaign = obligation.kind is Kind.CAMPAIGN
    found: list[Occurrence] = []
    for year in range(start.year, end.year + 1):
        for label, first, last in _windows(schedule, year):
            if not start <= last <= end:
                continue
            if schedule.period is Period.DAILY and pattern.continuous:
                found.extend(_daily(obligation, label, first, due_time, tz, pattern))
                continue
            if schedule.period is Period.DAILY and not calendar.is_workday(first):
                continue
            due_on = first if campaign else due_day(first, last, obligation.holiday_shift, calendar)
            due = dt.datetime.combine(due_on, due_time, tzinfo=tz)
            found.extend(
                Occurrence(obligation.id, area, label, first, last, due, schedule.quota, kind)
                for area in areas
            )
    return found


def _daily(
    obligation: Obligation,
    label: str,
    day: dt.date,
    due_time: dt.time,
    tz: ZoneInfo,
    pattern: WorkPattern,
) -> list[Occurrence]:
    """A daily duty's day at a continuous site: one per shift, or one at the due time."""
    kind = obligation.kind.value
    if not obligation.per_shift:
        due = dt.datetime.combine(day, due_time, tzinfo=tz)
        return [Occurrence(obligation.id, None, label, day, day, due, 1, kind)]
    starts = enumerate(pattern.shifts, start=1)
    return [
        Occurrence(obligation.id, None, f"{label}-S{n}", day, day, at(day, t, tz), 1, kind, n)
        for n, t in starts
    ]


def at(day: dt.date, time: dt.time, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=tz)


def occurrence_for_event(
    obligation: Obligation,
    *,
    sector: str,
    high_risk: bool,
    ref: str,
    happened_at: dt.datetime,
    calendar: WorkCalendar,
    area: str | None = None,
    regions: Collection[str] = ONLY_NATIONAL,
    deadline: dt.date | None = None,
) -> Occurrence:
    """The occurrence an event (an inspection, a 三违 finding, a new hire …) starts.

    ``ref`` identifies the event (e.g. its row id) and makes the key unique. The duty is due
    ``within_hours`` after the event (an accident report: on holidays too), or on the
    ``deadline`` the event brings (a rectification notice), or ``within_days`` after it at the
    schedule's due time, shifted off days off; if that moment has already passed (an
    inspection at 19:00 with an 18:00 due time), it is due on the next workday instead.
    """
    schedule = obligation.schedule_for(sector, high_risk, regions)
    if schedule.period is not Period.EVENT:
        raise ValueError(f"{obligation.id} is not event-triggered")
    if happened_at.tzinfo is None:
        raise ValueError("happened_at must be timezone-aware")
    day = happened_at.date()
    label = f"{EVENT_LABEL_PREFIX}{ref}"
    if schedule.within_hours:
        due = happened_at + dt.timedelta(hours=schedule.within_hours)
        return Occurrence(obligation.id, area, label, day, due.date(), due, schedule.quota)
    if schedule.deadline_from_event:
        if deadline is None or deadline < day:
            raise ValueError(f"{obligation.id} needs the deadline the notice gives")
        last = deadline
    else:
        last = day + dt.timedelta(days=schedule.within_days)
    at = parse_clock(schedule.due_time)
    due = dt.datetime.combine(
        due_day(day, last, obligation.holiday_shift, calendar), at, happened_at.tzinfo
    )
    if due <= happened_at:
        due = dt.datetime.combine(calendar.next_workday(day + ONE_DAY), at, happened_at.tzinfo)
    return Occurrence(obligation.id, area, label, day, due.date(), due, schedule.quota)


def _campaign_reminders(obligation: Obligation, occ: Occurrence) -> list[PlannedReminder]:
    """Announcements before and on a campaign's first day; campaigns are never overdue."""
    cfg = obligation.reminders
    at = parse_clock(cfg.time)
    return [
        PlannedReminder(
            str(ReminderKind(Family.CAMPAIGN, lead)),
            dt.datetime.combine(
                occ.due.date() - dt.timedelta(days=lead), at, tzinfo=occ.due.tzinfo
            ),
        )
        for lead in sorted(cfg.lead_days, reverse=True)
    ]


def plan_reminders(
    obligation: Obligation, occ: Occurrence, calendar: WorkCalendar
) -> list[PlannedReminder]:
    """Lead-time, due-day, overdue and escalation reminders for one occurrence, by fire time."""
    if obligation.kind is Kind.CAMPAIGN:
        return _campaign_reminders(obligation, occ)
    if occ.shift is not None:  # before the shift, whatever the day: sites run on holidays
        return [PlannedReminder("due", occ.due - SHIFT_LEAD)]
    cfg = obligation.reminders
    tz = occ.due.tzinfo
    at = parse_clock(cfg.time)
    due_day = occ.due.date()
    planned: dict[dt.date, str] = {}
    for lead in sorted(cfg.lead_days, reverse=True):
        day = due_day - dt.timedelta(days=lead)
        if lead and day < occ.window_start:
            continue  # a 7-day lead makes no sense for a weekly duty
        day = calendar.previous_workday(day, not_before=occ.window_start) if lead else day
        planned.setdefault(day, str(ReminderKind.lead(lead)))
    if cfg.overdue_every_days:
        for k in range(1, cfg.overdue_max + 1):
            day = calendar.next_workday(due_day + dt.timedelta(days=k * cfg.overdue_every_days))
            planned.setdefault(day, str(ReminderKind(Family.OVERDUE, k)))
    if cfg.escalate_after_days:
        day = calendar.next_workday(due_day + dt.timedelta(days=cfg.escalate_after_days))
        planned[day] = str(ReminderKind(Family.ESCALATE))  # an escalation also re-reminds the group
    reminders = (
        PlannedReminder(kind, dt.datetime.combine(day, at, tzinfo=tz))
        for day, kind in planned.items()
    )
    return sorted(reminders, key=lambda r: r.fire_at)
