"""Write enterprises' coming occurrences and their reminders to the database (the outbox).

Routine reminders are timed to the enterprise's daily digest (``bot.domain.digest``), so all
of a day's reminders are claimed together and posted as one message.

Incremental: ``enterprise.materialized_until`` is the last opening day already written, so a
daily run adds only the windows that open on the new day (``bot.services.reminders.plan``);
after a change of profile (sector, region, digest time, working pattern, an obligation
switched back on) it is reset and the next run writes everything again. Occurrences and
reminder times are computed once per profile and shared; rows go in bulk, in transactions of
a bounded size, so a run in a worker thread never holds SQLite's write lock for long.

Idempotent: occurrences are keyed by (enterprise, key) and reminders by (occurrence, kind), so
running it twice, or from two processes, writes each row once. Reminders whose fire time lies
before the enterprise was set up are not written: nobody should be told about last week; nor
are occurrences due before then (the registration day's 08:00 meeting is not overdue).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Row, and_, bindparam, select, update
from sqlmodel import Session, SQLModel

from bot.catalog import Catalog
from bot.domain.digest import DigestSchedule, stored_time
from bot.domain.workcalendar import WorkCalendar
from bot.domain.workpattern import WorkPattern
from bot.services.reminders.plan import (
    PROFILE_COLUMNS,
    PlanCache,
    PlannedOccurrence,
    Profile,
    Window,
)
from bot.store.models import Enterprise
from bot.store.upsert import insert_ignore, insert_ignore_by_key

LOOKBACK_DAYS = 31
ROWS_PER_COMMIT = 10_000  # a transaction's size: how long other writers may wait on SQLite

_TABLES = SQLModel.metadata.tables
ENTERPRISE, OCCURRENCE = _TABLES["enterprise"], _TABLES["occurrence"]
REMINDER, DISABLED = _TABLES["reminder"], _TABLES["disabled_obligation"]


def digest_schedule(enterprise: Enterprise, calendar: WorkCalendar) -> DigestSchedule:
    """When the enterprise's digest goes out: its time, on its working (or every) day."""
    pattern = WorkPattern.load(enterprise.work_pattern, enterprise.shift_starts)
    return DigestSchedule(stored_time(enterprise.digest_time), pattern.continuous, calendar)


@dataclass(frozen=True)
class Target:
    """An enterprise as materialization sees it."""

    id: int
    profile: Profile
    created_at: dt.datetime
    materialized_until: dt.date | None
    disabled: frozenset[str] = frozenset()

    def window(self, now: dt.datetime, horizon_days: int) -> Window | None:
        """What is still to write up to ``horizon_days`` ahead; None if nothing."""
        today = now.astimezone(self.profile.tz).date()
        end = today + dt.timedelta(days=horizon_days)
        if self.materialized_until is not None and self.materialized_until >= end:
            return None
        ended_from = today - dt.timedelta(days=LOOKBACK_DAYS)
        return Window(ended_from, end, self.materialized_until)

    def first_day(self, fire_at: dt.datetime, registered: dt.date) -> dt.datetime:
        """A reminder of the registration day whose digest moment came before the set-up goes
        out right after it: that day's digest follows /setup, nothing of the day is dropped."""
        if fire_at < self.created_at and fire_at.astimezone(self.profile.tz).date() == registered:
            return self.created_at
        return fire_at

    def rows(
        self, planned: Sequence[PlannedOccurrence]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """This enterprise's occurrence and reminder rows of a profile's plan."""
        registered = self.created_at.astimezone(self.profile.tz).date()
        occurrences: list[dict[str, Any]] = []
        reminders: list[dict[str, Any]] = []
        for p in planned:
            if p.obligation_id in self.disabled or p.window_end < registered:
                continue
            if p.due_at < self.created_at:
                continue  # due before the enterprise registered: never its overdue item
            occurrences.append(
                {
                    "enterprise_id": self.id,
                    "key": p.key,
                    "obligation_id": p.obligation_id,
                    "area": p.area,
                    "label": p.label,
                    "window_start": p.window_start,
                    "window_end": p.window_end,
                    "due_at": p.due_at,
                    "quota": p.quota,
                    "status": "open",
                }
            )
            reminders += [
                {
                    "enterprise_id": self.id,
                    "key": p.key,
                    "kind": kind,
                    "fire_at": fire_at,
                    "state": "pending",
                    "attempts": 0,
                    "failures": 0,
                }
                for kind, fire_at in (
                    (kind, self.first_day(fire_at, registered)) for kind, fire_at in p.reminders
                )
                if fire_at >= self.created_at
            ]
        return occurrences, reminders


def _write(
    session: Session, occurrences: list[dict[str, Any]], reminders: list[dict[str, Any]]
) -> None:
    """Occurrences, then their reminders (which name them by key)."""
    insert_ignore(session, OCCURRENCE, occurrences)
    insert_ignore_by_key(
        session,
        REMINDER,
        reminders,
        parent=OCCURRENCE,
        fk="occurrence_id",
        key=("enterprise_id", "key"),
    )


# What a run read of an enterprise and must still find before it writes: the profile and the
# horizon. A handler may change them meanwhile (/region, /digest, /shifts reset the horizon).
_SEEN = ("materialized_until", *PROFILE_COLUMNS)


def _move_horizons(session: Session, moves: list[tuple[Row[Any], dt.date]]) -> set[int]:
    """Move each enterprise's horizon to its new end unless it changed since it was read;
    the ids moved. First in the transaction: on SQLite it takes the write lock, on
    PostgreSQL it locks those rows, so nothing changes them before the commit."""
    unchanged = and_(
        ENTERPRISE.c.id == bindparam("target"),
        *(
            ENTERPRISE.c[c].is_not_distinct_from(bindparam(f"seen_{c}", type_=ENTERPRISE.c[c].type))
            for c in _SEEN
        ),
    )
    session.execute(
        update(ENTERPRISE).where(unchanged).values(materialized_until=bindparam("until")),
        [
            {"target": row.id, "until": until} | {f"seen_{c}": getattr(row, c) for c in _SEEN}
            for row, until in moves
        ],
    )
    ends = {row.id: until for row, until in moves}
    now_stored = session.execute(
        select(ENTERPRISE.c.id, ENTERPRISE.c.materialized_until).where(
            ENTERPRISE.c.id.in_(list(ends))
        )
    ).all()
    return {i for i, until in now_stored if until == ends[i]}


def materialize(
    session: Session,
    enterprise: Enterprise,
    *,
    catalog: Catalog,
    calendar: WorkCalendar,
    now: dt.datetime,
    horizon_days: int,
    cache: PlanCache | None = None,
) -> int:
    """Write what is due in the next ``horizon_days`` and not written yet; commits.

    Returns how many reminders were planned (0 when the enterprise was up to date).
    """
    assert enterprise.id is not None
    disabled = session.execute(
        select(DISABLED.c.obligation_id).where(DISABLED.c.enterprise_id == enterprise.id)
    ).scalars()
    target = Target(
        enterprise.id,
        Profile.of(enterprise),
        enterprise.created_at,
        enterprise.materialized_until,
        frozenset(disabled),
    )
    window = target.window(now, horizon_days)
    reminders: list[dict[str, Any]] = []
    if window is not None:
        cache = cache or PlanCache(catalog, calendar)
        occurrences, reminders = target.rows(cache.get(target.profile, window))
        _write(session, occurrences, reminders)
        enterprise.materialized_until = window.opened_by
    session.add(enterprise)
    session.commit()
    return len(reminders)


def _stale(session: Session, now: dt.datetime, horizon_days: int) -> list[Row[Any]]:
    """Active enterprises whose horizon (in their own timezone) is behind, by id."""
    zones = session.execute(
        select(ENTERPRISE.c.timezone).where(ENTERPRISE.c.active.is_(True)).distinct()
    ).scalars()
    found: list[Row[Any]] = []
    for zone in sorted(zones):
        end = now.astimezone(ZoneInfo(zone)).date() + dt.timedelta(days=horizon_days)
        found += session.execute(
            select(ENTERPRISE).where(
                ENTERPRISE.c.active.is_(True),
                ENTERPRISE.c.timezone == zone,
                ENTERPRISE.c.materialized_until.is_(None) | (ENTERPRISE.c.materialized_until < end),
            )
        ).all()
    return sorted(found, key=lambda row: row.id)


def _disabled(session: Session, ids: list[int]) -> dict[int, frozenset[str]]:
    found: dict[int, set[str]] = {}
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(DISABLED.c.enterprise_id, DISABLED.c.obligation_id).where(
                DISABLED.c.enterprise_id.in_(ids[start : start + 500])
            )
        ).all()
        for enterprise_id, obligation_id in rows:
            found.setdefault(enterprise_id, set()).add(obligation_id)
    return {k: frozenset(v) for k, v in found.items()}


def materialize_stale(
    session: Session,
    *,
    catalog: Catalog,
    calendar: WorkCalendar,
    now: dt.datetime,
    horizon_days: int,
    cache: PlanCache | None = None,
    stopping: Callable[[], bool] = lambda: False,
) -> int:
    """Bring every active enterprise up to ``horizon_days`` ahead; returns enterprises done.

    Commits every ``ROWS_PER_COMMIT`` rows or so; ``stopping`` is asked between commits (a
    graceful stop need not wait for the whole run: the rest is done on the next one).
    """
    stale = _stale(session, now, horizon_days)
    disabled = _disabled(session, [row.id for row in stale])
    cache = cache or PlanCache(catalog, calendar)
    batch: list[tuple[Row[Any], dt.date, list[dict[str, Any]], list[dict[str, Any]]]] = []
    size = done = 0
    for row in stale:
        target = Target(
            row.id,
            Profile.of(row),
            row.created_at,
            row.materialized_until,
            disabled.get(row.id, frozenset()),
        )
        window = target.window(now, horizon_days)
        if window is None:
            continue
        occurrences, reminders = target.rows(cache.get(target.profile, window))
        batch.append((row, window.opened_by, occurrences, reminders))
        size += len(occurrences) + len(reminders)
        if size >= ROWS_PER_COMMIT:
            done += _commit(session, batch)
            batch, size = [], 0
            if stopping():
                return done
    return done + _commit(session, batch)


def _commit(
    session: Session,
    batch: list[tuple[Row[Any], dt.date, list[dict[str, Any]], list[dict[str, Any]]]],
) -> int:
    """One transaction: the horizons moved, then the rows of the enterprises moved."""
    if not batch:
        return 0
    moved = _move_horizons(session, [(row, until) for row, until, _, _ in batch])
    kept = [(occ, rem) for row, _, occ, rem in batch if row.id in moved]
    _write(
        session,
        [r for occ, _ in kept for r in occ],
        [r for _, rem in kept for r in rem],
    )
    session.commit()
    return len(kept)
