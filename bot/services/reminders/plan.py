"""What an enterprise profile gets in a stretch of days: computed once, shared by enterprises.

Occurrences and reminder times depend only on the enterprise's *profile* (sector, high-risk,
region, timezone, working pattern, digest time) and the calendar; thousands of enterprises
share a handful of profiles. ``PlanCache`` computes a profile's plan once per window and
materialization filters it per enterprise (its registration time, switched-off optional
obligations) before writing rows.

An occurrence belongs to the stretch its window *opens* in: everything whose window has opened
by the end of the horizon is stored (a yearly duty from its first day, so ``/due``, ``/stats``
and drills see it), and each daily run adds the windows that open on the new day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.catalog import Catalog
from bot.catalog.schedule import Period, Schedule
from bot.domain.digest import DigestSchedule, stored_time
from bot.domain.recurrence import occurrences, plan_reminders
from bot.domain.workcalendar import WorkCalendar
from bot.domain.workpattern import WorkPattern

# How far past its opening day a window of each period may end (a year at most).
_REACH = {
    Period.DAILY: 0,
    Period.WEEKLY: 6,
    Period.MONTHLY: 30,
    Period.QUARTERLY: 91,
    Period.HALF_YEARLY: 183,
}
_YEAR = 366


# The enterprise columns a plan depends on (``Profile.of`` reads them).
PROFILE_COLUMNS = (
    "sector",
    "high_risk",
    "region",
    "timezone",
    "work_pattern",
    "shift_starts",
    "digest_time",
)


class HasProfile(Protocol):
    """An enterprise row (ORM object or Core row): the columns its plan depends on."""

    @property
    def sector(self) -> str: ...
    @property
    def high_risk(self) -> bool: ...
    @property
    def region(self) -> str: ...
    @property
    def timezone(self) -> str: ...
    @property
    def work_pattern(self) -> str: ...
    @property
    def shift_starts(self) -> str | None: ...
    @property
    def digest_time(self) -> str: ...


@dataclass(frozen=True)
class Profile:
    """Everything the occurrences and reminder moments of an enterprise depend on."""

    sector: str
    high_risk: bool
    region: str
    timezone: str
    pattern: WorkPattern
    digest_time: dt.time

    @classmethod
    def of(cls, enterprise: HasProfile) -> Profile:
        return cls(
            enterprise.sector,
            enterprise.high_risk,
            enterprise.region,
            enterprise.timezone,
            WorkPattern.load(enterprise.work_pattern, enterprise.shift_starts),
            stored_time(enterprise.digest_time),
        )

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class PlannedOccurrence:
    """An occurrence row to write, with its reminders: (kind, fire time in UTC)."""

    key: str
    obligation_id: str
    area: str | None
    label: str
    window_start: dt.date
    window_end: dt.date
    due_at: dt.datetime  # UTC
    quota: int
    reminders: tuple[tuple[str, dt.datetime], ...]


@dataclass(frozen=True)
class Window:
    """Which windows a run writes: ended on or after ``ended_from``, opened in
    (``opened_after``, ``opened_by``]; ``opened_after`` None: any opening day."""

    ended_from: dt.date
    opened_by: dt.date
    opened_after: dt.date | None = None


def _reach(schedule: Schedule) -> int:
    if schedule.period is Period.ONCE and schedule.date is not None:
        opens = schedule.start or schedule.date.replace(month=1, day=1)
        return max(0, (schedule.date - opens).days)
    return _REACH.get(schedule.period, _YEAR)


def plan(
    profile: Profile, window: Window, *, catalog: Catalog, calendar: WorkCalendar
) -> list[PlannedOccurrence]:
    """The occurrences of ``profile`` in ``window``, each with its reminders at digest moments."""
    tz = profile.tz
    path = catalog.lineage(profile.region)
    digest = DigestSchedule(profile.digest_time, profile.pattern.continuous, calendar)
    start = window.ended_from
    if window.opened_after is not None:
        start = max(start, window.opened_after + dt.timedelta(days=1))
    found: list[PlannedOccurrence] = []
    for obligation in catalog.for_enterprise(profile.sector, profile.high_risk, profile.region):
        schedule = obligation.schedule_for(profile.sector, profile.high_risk, path)
        if schedule.period is Period.EVENT:
            continue
        end = window.opened_by + dt.timedelta(days=_reach(schedule))
        for occ in occurrences(
            obligation,
            sector=profile.sector,
            high_risk=profile.high_risk,
            start=start,
            end=end,
            tz=tz,
            calendar=calendar,
            regions=path,
            pattern=profile.pattern,
        ):
            if occ.window_start > window.opened_by or (
                window.opened_after is not None and occ.window_start <= window.opened_after
            ):
                continue
            shift_start = occ.due if occ.shift is not None else None
            reminders = tuple(
                (
                    r.kind,
                    digest.align(
                        r.kind, r.fire_at, shift_start=shift_start, due=occ.due
                    ).astimezone(dt.UTC),
                )
                for r in plan_reminders(obligation, occ, calendar)
            )
            found.append(
                PlannedOccurrence(
                    occ.key,
                    occ.obligation_id,
                    occ.area,
                    occ.label,
                    occ.window_start,
                    occ.window_end,
                    occ.due.astimezone(dt.UTC),
                    occ.quota,
                    reminders,
                )
            )
    return found


@dataclass
class PlanCache:
    """Plans by (profile, window), computed on first use: one per profile in a daily run."""

    catalog: Catalog
    calendar: WorkCalendar
    computed: int = 0  # how many plans were computed (not found in the cache)
    _plans: dict[tuple[Profile, Window], list[PlannedOccurrence]] = field(default_factory=dict)

    def get(self, profile: Profile, window: Window) -> list[PlannedOccurrence]:
        key = (profile, window)
        found = self._plans.get(key)
        if found is None:
            found = plan(profile, window, catalog=self.catalog, calendar=self.calendar)
            self._plans[key] = found
            self.computed += 1
        return found


def next_due(
    profile: Profile,
    obligation_id: str,
    *,
    after: dt.datetime,
    catalog: Catalog,
    calendar: WorkCalendar,
    within_days: int = 800,
) -> dt.datetime | None:
    """The first due moment after ``after`` of a calendar obligation, computed, not stored:
    what ``/obligations`` shows for an obligation whose next window opens beyond the horizon."""
    obligation = catalog.obligations[obligation_id]
    path = catalog.lineage(profile.region)
    if obligation.schedule_for(profile.sector, profile.high_risk, path).period is Period.EVENT:
        return None
    today = after.astimezone(profile.tz).date()
    found = occurrences(
        obligation,
        sector=profile.sector,
        high_risk=profile.high_risk,
        start=today,
        end=today + dt.timedelta(days=within_days),
        tz=profile.tz,
        calendar=calendar,
        regions=path,
        pattern=profile.pattern,
    )
    return min((o.due for o in found if o.due >= after), default=None)
