"""What an enterprise has to do: open occurrences (``/due``) and its obligations (``/obligations``),
with optional ones that admins may switch off."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import delete, update
from sqlmodel import Session, SQLModel, col, func, select

from bot.catalog import Catalog
from bot.domain.workcalendar import WorkCalendar
from bot.errors import StaleButton
from bot.services.reminders.plan import Profile, next_due
from bot.store.models import (
    Confirmation,
    DisabledObligation,
    Enterprise,
    OccurrenceRow,
)
from bot.store.upsert import insert_ignore


@dataclass(frozen=True)
class OpenItem:
    occurrence: OccurrenceRow
    count: int
    overdue: bool
    missed: int = 0  # earlier occurrences of the same obligation and area still open


@dataclass(frozen=True)
class ObligationLine:
    obligation_id: str
    period: str
    optional: bool
    disabled: bool
    next_due: dt.datetime | None


def disabled_ids(session: Session, enterprise_id: int) -> set[str]:
    return set(
        session.exec(
            select(DisabledObligation.obligation_id).where(
                DisabledObligation.enterprise_id == enterprise_id
            )
        ).all()
    )


def open_items(
    session: Session,
    enterprise: Enterprise,
    *,
    now: dt.datetime,
    exclude: set[str] | frozenset[str] = frozenset(),
    limit: int = 25,
) -> list[OpenItem]:
    """Open occurrences whose window has started, soonest due first: one line per obligation
    and area (its latest occurrence), counting the earlier ones still open — a month of
    unconfirmed daily checks is one line, not thirty that push everything else off the list."""
    today = now.astimezone(ZoneInfo(enterprise.timezone)).date()
    rows = session.exec(
        select(OccurrenceRow, func.count(col(Confirmation.id)))
        .join(Confirmation, col(Confirmation.occurrence_id) == col(OccurrenceRow.id), isouter=True)
        .where(
            OccurrenceRow.enterprise_id == enterprise.id,
            OccurrenceRow.status == "open",
            col(OccurrenceRow.window_start) <= today,
            col(OccurrenceRow.obligation_id).not_in(exclude),
        )
        .group_by(col(OccurrenceRow.id))
        .order_by(col(OccurrenceRow.due_at))
    ).all()
    latest: dict[tuple[str, str | None], tuple[OccurrenceRow, int]] = {}
    missed: dict[tuple[str, str | None], int] = {}
    for occ, count in rows:  # by due date: the last one seen is the latest
        key = (occ.obligation_id, occ.area)
        if key in latest:
            missed[key] = missed.get(key, 0) + 1
        latest[key] = (occ, count)
    items = [
        OpenItem(occ, count, occ.due_at < now, missed.get(key, 0))
        for key, (occ, count) in latest.items()
    ]
    return sorted(items, key=lambda it: it.occurrence.due_at)[:limit]


def obligation_lines(
    session: Session,
    catalog: Catalog,
    enterprise: Enterprise,
    *,
    calendar: WorkCalendar,
    now: dt.datetime,
) -> list[ObligationLine]:
    """What applies, with the next due moment: stored, or computed when it lies beyond the
    materialized horizon (a yearly window that opens in months)."""
    off = disabled_ids(session, enterprise.id or 0)
    stored = dict(
        session.exec(
            select(OccurrenceRow.obligation_id, func.min(OccurrenceRow.due_at))
            .where(OccurrenceRow.enterprise_id == enterprise.id, col(OccurrenceRow.due_at) >= now)
            .group_by(col(OccurrenceRow.obligation_id))
        ).all()
    )
    path = catalog.lineage(enterprise.region)
    profile = Profile.of(enterprise)

    def next_due_of(obligation_id: str) -> dt.datetime | None:
        found = stored.get(obligation_id)
        if found is not None:
            return found
        return next_due(profile, obligation_id, after=now, catalog=catalog, calendar=calendar)

    return [
        ObligationLine(
            o.id,
            o.schedule_for(enterprise.sector, enterprise.high_risk, path).period.value,
            o.optional,
            o.id in off,
            next_due_of(o.id),
        )
        for o in catalog.for_enterprise(enterprise.sector, enterprise.high_risk, enterprise.region)
    ]


def toggle(
    session: Session,
    catalog: Catalog,
    enterprise: Enterprise,
    *,
    obligation_id: str,
    user_id: int,
    now: dt.datetime,
) -> bool:
    """Switch an optional obligation off (pending reminders are skipped) or back on. Returns enabled."""
    obligation = catalog.obligations.get(obligation_id)
    applicable = {
        o.id
        for o in catalog.for_enterprise(enterprise.sector, enterprise.high_risk, enterprise.region)
    }
    if obligation is None or not obligation.optional or obligation_id not in applicable:
        raise StaleButton()
    assert enterprise.id is not None
    table = SQLModel.metadata.tables["disabled_obligation"]
    if obligation_id in disabled_ids(session, enterprise.id):
        session.execute(
            delete(table).where(
                table.c.enterprise_id == enterprise.id, table.c.obligation_id == obligation_id
            )
        )
        enterprise.materialized_until = None  # write its reminders again
        session.add(enterprise)
        session.commit()
        return True
    insert_ignore(
        session,
        table,
        [
            {
                "enterprise_id": enterprise.id,
                "obligation_id": obligation_id,
                "disabled_by": user_id,
                "disabled_at": now,
            }
        ],
    )
    reminders = SQLModel.metadata.tables["reminder"]
    occurrence_ids = select(OccurrenceRow.id).where(
        OccurrenceRow.enterprise_id == enterprise.id, OccurrenceRow.obligation_id == obligation_id
    )
    session.execute(
        update(reminders)
        .where(reminders.c.occurrence_id.in_(occurrence_ids), reminders.c.state == "pending")
        .values(state="skipped", last_error="disabled")
    )
    session.commit()
    return False
