"""Write an enterprise's coming occurrences and their reminders to the database (the outbox).

Routine reminders are timed to the enterprise's daily digest (``bot.domain.digest``), so all
of a day's reminders are claimed together and posted as one message.

Idempotent: occurrences are keyed by (enterprise, key) and reminders by (occurrence, kind), so
running it twice, or from two processes, writes each row once. Reminders whose fire time lies
before the enterprise was set up are not written: nobody should be told about last week; nor
are occurrences due before then (the registration day's 08:00 meeting is not overdue).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlmodel import Session, SQLModel, col, select

from bot.catalog import Catalog
from bot.domain.digest import DigestSchedule, stored_time
from bot.domain.recurrence import occurrences, plan_reminders
from bot.domain.workcalendar import WorkCalendar
from bot.domain.workpattern import WorkPattern
from bot.store.models import DisabledObligation, Enterprise, OccurrenceRow
from bot.store.upsert import insert_ignore

LOOKBACK_DAYS = 31


def digest_schedule(enterprise: Enterprise, calendar: WorkCalendar) -> DigestSchedule:
    """When the enterprise's digest goes out: its time, on its working (or every) day."""
    pattern = WorkPattern.load(enterprise.work_pattern, enterprise.shift_starts)
    return DigestSchedule(stored_time(enterprise.digest_time), pattern.continuous, calendar)


def materialize(
    session: Session,
    enterprise: Enterprise,
    *,
    catalog: Catalog,
    calendar: WorkCalendar,
    now: dt.datetime,
    horizon_days: int,
) -> int:
    """Materialize occurrences due in the next ``horizon_days``; returns how many reminders were planned."""
    assert enterprise.id is not None
    tz = ZoneInfo(enterprise.timezone)
    today = now.astimezone(tz).date()
    start = max(
        today - dt.timedelta(days=LOOKBACK_DAYS), enterprise.created_at.astimezone(tz).date()
    )
    end = today + dt.timedelta(days=horizon_days)
    planned: list[tuple[str, str, dt.datetime]] = []
    occ_rows = []
    disabled = set(
        session.exec(
            select(DisabledObligation.obligation_id).where(
                DisabledObligation.enterprise_id == enterprise.id
            )
        ).all()
    )
    path = catalog.lineage(enterprise.region)
    pattern = WorkPattern.load(enterprise.work_pattern, enterprise.shift_starts)
    digest = digest_schedule(enterprise, calendar)
    for obligation in catalog.for_enterprise(
        enterprise.sector, enterprise.high_risk, enterprise.region
    ):
        if obligation.id in disabled:
            continue
        for occ in occurrences(
            obligation,
            sector=enterprise.sector,
            high_risk=enterprise.high_risk,
            start=start,
            end=end,
            tz=tz,
            calendar=calendar,
            regions=path,
            pattern=pattern,
        ):
            if occ.due < enterprise.created_at:
                continue  # due before the enterprise registered: never its overdue item
            occ_rows.append(
                {
                    "enterprise_id": enterprise.id,
                    "key": occ.key,
                    "obligation_id": occ.obligation_id,
                    "area": occ.area,
                    "label": occ.label,
                    "window_start": occ.window_start,
                    "window_end": occ.window_end,
                    "due_at": occ.due.astimezone(dt.UTC),
                    "quota": occ.quota,
                    "status": "open",
                }
            )
            shift_start = occ.due if occ.shift is not None else None
            for reminder in plan_reminders(obligation, occ, calendar):
                fire_at = digest.align(reminder.kind, reminder.fire_at, shift_start=shift_start)
                if fire_at >= enterprise.created_at:
                    planned.append((occ.key, reminder.kind, fire_at.astimezone(dt.UTC)))
    insert_ignore(session, SQLModel.metadata.tables["occurrence"], occ_rows)
    keys = {key for key, _, _ in planned}
    ids = (
        dict(
            session.exec(
                select(OccurrenceRow.key, OccurrenceRow.id).where(
                    OccurrenceRow.enterprise_id == enterprise.id, col(OccurrenceRow.key).in_(keys)
                )
            ).all()
        )
        if keys
        else {}
    )
    reminder_rows = [
        {
            "occurrence_id": ids[key],
            "enterprise_id": enterprise.id,
            "kind": kind,
            "fire_at": fire_at,
            "state": "pending",
            "attempts": 0,
        }
        for key, kind, fire_at in planned
    ]
    insert_ignore(session, SQLModel.metadata.tables["reminder"], reminder_rows)
    enterprise.materialized_until = end
    session.add(enterprise)
    session.commit()
    return len(reminder_rows)


def materialize_stale(
    session: Session,
    *,
    catalog: Catalog,
    calendar: WorkCalendar,
    now: dt.datetime,
    horizon_days: int,
) -> int:
    """Materialize every active enterprise whose horizon has fallen behind; returns enterprises done."""
    horizon = (now + dt.timedelta(days=horizon_days - 1)).date()
    stale = session.exec(
        select(Enterprise).where(
            col(Enterprise.active).is_(True),
            (col(Enterprise.materialized_until).is_(None))
            | (col(Enterprise.materialized_until) < horizon),
        )
    ).all()
    for enterprise in stale:
        materialize(
            session,
            enterprise,
            catalog=catalog,
            calendar=calendar,
            now=now,
            horizon_days=horizon_days,
        )
    return len(stale)
