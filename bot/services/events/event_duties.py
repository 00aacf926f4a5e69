"""Logging an event (a new hire, a 三违 finding, a work start, an accident, a major hazard
notice …) and starting the duties it triggers, as one-off occurrences with their reminders.

The catalog's event-triggered obligations have no calendar dates: without this, 三违
retraining or the one-hour accident report could never be reminded. An event is one row; each
duty it starts is an occurrence labelled ``event-<id>``, so logging is idempotent per event and
the reminders go through the same outbox as every other duty. Reminders whose time has
passed when the event is logged are replaced by one "due" reminder at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel import Session, SQLModel, col, select

from bot.catalog import Catalog
from bot.catalog.event_kinds import EventKind
from bot.catalog.models import Obligation, Period
from bot.domain.digest import DigestSchedule
from bot.domain.recurrence import (
    Occurrence,
    PlannedReminder,
    occurrence_for_event,
    plan_reminders,
)
from bot.domain.reminder_kind import Family, family_of
from bot.domain.workcalendar import WorkCalendar
from bot.errors import EventUsage
from bot.services.reminders.materialize import digest_schedule
from bot.store.event_models import Event
from bot.store.models import DisabledObligation, Enterprise, OccurrenceRow
from bot.store.upsert import insert_ignore

SUBJECT_MAX = 120


@dataclass(frozen=True)
class Started:
    """A duty the event started, and when it is due."""

    obligation: Obligation
    occurrence: Occurrence


@dataclass(frozen=True)
class Logged:
    event: Event
    kind: EventKind
    started: list[Started]


def parse_deadline(text: str | None, today: dt.date) -> dt.date | None:
    """``2027-05-31`` as a date not before today; None when no date was given."""
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return day if day >= today else None


def triggered(catalog: Catalog, enterprise: Enterprise, kind: EventKind) -> list[Obligation]:
    """The enterprise's event-triggered obligations that ``kind`` starts."""
    path = catalog.lineage(enterprise.region)
    found = []
    for ob in catalog.for_enterprise(enterprise.sector, enterprise.high_risk, enterprise.region):
        schedule = ob.schedule_for(enterprise.sector, enterprise.high_risk, path)
        if schedule.period is Period.EVENT and schedule.trigger in kind.triggers:
            found.append(ob)
    return found


URGENT_WITHIN = dt.timedelta(days=1)  # a duty due this soon after its event cannot wait


def _reminders(
    ob: Obligation,
    occ: Occurrence,
    calendar: WorkCalendar,
    now: dt.datetime,
    digest: DigestSchedule,
    *,
    urgent: bool,
) -> list[PlannedReminder]:
    """The occurrence's reminders still ahead; a "due" one now if the event came late.

    They ride the enterprise's daily digest like every routine reminder (one that would fall
    in a digest already past comes now, just after the event was logged); an ``urgent`` duty
    (due within hours: an accident report) keeps its own moments.
    """
    ahead = [r for r in plan_reminders(ob, occ, calendar) if r.fire_at > now]
    if not urgent:
        ahead = [
            PlannedReminder(r.kind, max(now, digest.align(r.kind, r.fire_at, due=occ.due)))
            for r in ahead
        ]
    if not any(family_of(r.kind) in (Family.LEAD, Family.DUE) for r in ahead):
        ahead.insert(0, PlannedReminder("due", now))
    return ahead


def log_event(
    session: Session,
    catalog: Catalog,
    calendar: WorkCalendar,
    enterprise: Enterprise,
    *,
    kind_text: str,
    subject: str | None,
    deadline_text: str | None,
    user_id: int,
    now: dt.datetime,
) -> Logged:
    """Record the event and write the occurrences and reminders of the duties it starts."""
    assert enterprise.id is not None
    tz = ZoneInfo(enterprise.timezone)
    local_now = now.astimezone(tz)
    kind = catalog.find_event(kind_text)
    if kind is None:
        raise EventUsage(given=kind_text, kinds=list(catalog.event_kinds.values()))
    deadline = parse_deadline(deadline_text, local_now.date())
    if kind.needs_deadline and deadline is None:
        raise EventUsage(given=kind_text, kinds=list(catalog.event_kinds.values()), kind=kind)
    event = Event(
        enterprise_id=enterprise.id,
        kind=kind.id,
        subject=" ".join((subject or "").split())[:SUBJECT_MAX] or None,
        deadline=deadline,
        happened_at=now,
        logged_by=user_id,
    )
    session.add(event)
    session.flush()
    disabled = set(
        session.exec(
            select(DisabledObligation.obligation_id).where(
                DisabledObligation.enterprise_id == enterprise.id
            )
        ).all()
    )
    started: list[Started] = []
    for ob in triggered(catalog, enterprise, kind):
        if ob.id in disabled:
            continue
        occ = occurrence_for_event(
            ob,
            sector=enterprise.sector,
            high_risk=enterprise.high_risk,
            ref=str(event.id),
            happened_at=local_now,
            calendar=calendar,
            regions=catalog.lineage(enterprise.region),
            deadline=deadline,
        )
        started.append(Started(ob, occ))
    _write(session, enterprise, started, calendar, now)
    session.commit()
    session.refresh(event)
    return Logged(event, kind, started)


def _write(
    session: Session,
    enterprise: Enterprise,
    started: list[Started],
    calendar: WorkCalendar,
    now: dt.datetime,
) -> None:
    rows = [
        {
            "enterprise_id": enterprise.id,
            "key": s.occurrence.key,
            "obligation_id": s.occurrence.obligation_id,
            "area": None,
            "label": s.occurrence.label,
            "window_start": s.occurrence.window_start,
            "window_end": s.occurrence.window_end,
            "due_at": s.occurrence.due.astimezone(dt.UTC),
            "quota": s.occurrence.quota,
            "status": "open",
        }
        for s in started
    ]
    insert_ignore(session, SQLModel.metadata.tables["occurrence"], rows)
    digest = digest_schedule(enterprise, calendar)
    keys = [s.occurrence.key for s in started]
    ids = dict(
        session.exec(
            select(OccurrenceRow.key, OccurrenceRow.id).where(
                OccurrenceRow.enterprise_id == enterprise.id, col(OccurrenceRow.key).in_(keys)
            )
        ).all()
    )
    reminders = [
        {
            "occurrence_id": ids[s.occurrence.key],
            "enterprise_id": enterprise.id,
            "kind": r.kind,
            "fire_at": r.fire_at.astimezone(dt.UTC),
            "state": "pending",
            "attempts": 0,
        }
        for s in started
        for r in _reminders(
            s.obligation,
            s.occurrence,
            calendar,
            now,
            digest,
            urgent=s.occurrence.due - now <= URGENT_WITHIN,
        )
    ]
    insert_ignore(session, SQLModel.metadata.tables["reminder"], reminders)
