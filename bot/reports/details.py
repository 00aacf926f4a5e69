"""The workbook's 明细 sheet: every occurrence of the period with its confirmers and evidence.

Confirmations and evidence are aggregated per occurrence in the database (names joined with
``aggregate_strings``, which is ``group_concat`` on SQLite and ``string_agg`` on PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from bot.reports.period import Period
from bot.reports.queries import DONE, aware, days_overdue, in_period, is_overdue, officer_name
from bot.store.models import Confirmation, Enterprise, Evidence, OccurrenceRow

NAME_SEPARATOR = ", "


@dataclass(frozen=True)
class DetailRow:
    occurrence_id: int
    enterprise: str
    timezone: str
    obligation_id: str
    area: str | None
    label: str
    window_start: dt.date
    due_at: dt.datetime
    quota: int
    state: str  # done | done_late | due | overdue
    done_at: dt.datetime | None
    confirmers: str
    confirmations: int
    first_confirmed_at: dt.datetime | None
    evidence: int


def _state(status: str, due_at: dt.datetime, done_at: dt.datetime | None, now: dt.datetime) -> str:
    if status == DONE:
        return "done_late" if done_at is not None and done_at > due_at else "done"
    return "overdue" if due_at < now else "due"


def detail_rows(
    session: Session, ids: Sequence[int], period: Period, *, tz: str, now: dt.datetime
) -> list[DetailRow]:
    """One row per occurrence in ``period`` for these enterprises, by enterprise then due date."""
    if not ids:
        return []
    today = now.astimezone(ZoneInfo(tz)).date()
    where = in_period(ids, period, tz, today)
    people = (
        select(Confirmation.occurrence_id, Confirmation.user_name)
        .join(OccurrenceRow, col(OccurrenceRow.id) == col(Confirmation.occurrence_id))
        .where(where)
        .distinct()
        .subquery()
    )
    names = (
        select(
            people.c.occurrence_id,
            func.aggregate_strings(people.c.user_name, NAME_SEPARATOR).label("names"),
        )
        .group_by(people.c.occurrence_id)
        .subquery()
    )
    confirmed = (
        select(
            col(Confirmation.occurrence_id).label("occurrence_id"),
            func.count().label("n"),
            func.min(Confirmation.confirmed_at).label("first_at"),
        )
        .join(OccurrenceRow, col(OccurrenceRow.id) == col(Confirmation.occurrence_id))
        .where(where)
        .group_by(col(Confirmation.occurrence_id))
        .subquery()
    )
    evidence = (
        select(col(Evidence.occurrence_id).label("occurrence_id"), func.count().label("n"))
        .join(OccurrenceRow, col(OccurrenceRow.id) == col(Evidence.occurrence_id))
        .where(where)
        .group_by(col(Evidence.occurrence_id))
        .subquery()
    )
    query = (
        sa.select(
            OccurrenceRow,
            col(Enterprise.name),
            col(Enterprise.timezone),
            names.c.names,
            confirmed.c.n,
            confirmed.c.first_at,
            evidence.c.n,
        )
        .join(Enterprise, col(Enterprise.id) == col(OccurrenceRow.enterprise_id))
        .outerjoin(names, names.c.occurrence_id == col(OccurrenceRow.id))
        .outerjoin(confirmed, confirmed.c.occurrence_id == col(OccurrenceRow.id))
        .outerjoin(evidence, evidence.c.occurrence_id == col(OccurrenceRow.id))
        .where(where)
        .order_by(col(Enterprise.name), col(OccurrenceRow.due_at), col(OccurrenceRow.id))
    )
    rows = []
    for occ, name, enterprise_tz, who, n, first_at, n_evidence in session.execute(query).all():
        assert occ.id is not None
        rows.append(
            DetailRow(
                occurrence_id=occ.id,
                enterprise=name,
                timezone=enterprise_tz,
                obligation_id=occ.obligation_id,
                area=occ.area,
                label=occ.label,
                window_start=occ.window_start,
                due_at=occ.due_at,
                quota=occ.quota,
                state=_state(occ.status, occ.due_at, occ.done_at, now),
                done_at=occ.done_at,
                confirmers=who or "",
                confirmations=int(n or 0),
                first_confirmed_at=aware(first_at),
                evidence=int(n_evidence or 0),
            )
        )
    return rows


@dataclass(frozen=True)
class OverdueRow:
    """One overdue occurrence (a row of the 逾期 sheet)."""

    occurrence_id: int
    enterprise: str
    timezone: str
    obligation_id: str
    area: str | None
    label: str
    due_at: dt.datetime
    days_overdue: int
    officer: str | None


def overdue_rows(
    session: Session, ids: Sequence[int], period: Period, *, tz: str, now: dt.datetime
) -> list[OverdueRow]:
    """Every overdue occurrence of the period, oldest first."""
    if not ids:
        return []
    today = now.astimezone(ZoneInfo(tz)).date()
    query = (
        sa.select(OccurrenceRow, col(Enterprise.name), col(Enterprise.timezone), officer_name())
        .join(Enterprise, col(Enterprise.id) == col(OccurrenceRow.enterprise_id))
        .where(in_period(ids, period, tz, today), is_overdue(now))
        .order_by(col(OccurrenceRow.due_at), col(Enterprise.name), col(OccurrenceRow.id))
    )
    rows = []
    for occ, name, zone, officer in session.execute(query).all():
        assert occ.id is not None
        rows.append(
            OverdueRow(
                occurrence_id=occ.id,
                enterprise=name,
                timezone=zone,
                obligation_id=occ.obligation_id,
                area=occ.area,
                label=occ.label,
                due_at=occ.due_at,
                days_overdue=days_overdue(occ.due_at, now, zone),
                officer=officer,
            )
        )
    return rows
