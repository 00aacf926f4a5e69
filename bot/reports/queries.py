"""Completion statistics for a set of enterprises, aggregated by the database.

One grouped query per question: counts per (enterprise, obligation) with the quota progress
folded in, the overdue list (督办清单) in due order, and for the workbook the detail rows
with their confirmers. Python only folds the grouped rows (hundreds, not millions), so an
office of 200 enterprises answers in milliseconds on an index of (enterprise_id, due_at).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy import ColumnElement, and_, case
from sqlmodel import Session, col, func, select

from bot.reports.figures import Counts, EnterpriseLine, OverdueGroup, StatsReport
from bot.reports.period import Period
from bot.reports.sources import Awareness, ReportSources
from bot.store.models import Confirmation, Enterprise, Member, OccurrenceRow, OccurrenceStatus

DONE = OccurrenceStatus.DONE.value


def in_period(ids: Sequence[int], period: Period, tz: str, today: dt.date) -> ColumnElement[bool]:
    return and_(
        col(OccurrenceRow.enterprise_id).in_(ids),
        col(OccurrenceRow.due_at) >= period.start_utc(tz),
        col(OccurrenceRow.window_start) <= min(period.end, today),
    )


def is_overdue(now: dt.datetime) -> ColumnElement[bool]:
    return and_(col(OccurrenceRow.status) != DONE, col(OccurrenceRow.due_at) < now)


def grouped_counts(
    session: Session, ids: Sequence[int], period: Period, *, tz: str, now: dt.datetime
) -> dict[tuple[int, str], Counts]:
    """Counts per (enterprise, obligation), then quota progress for the few quota duties.

    Two grouped queries rather than one with a correlated count on every row: PostgreSQL
    prices that high enough to JIT-compile it, which costs more than the query itself.
    """
    if not ids:
        return {}
    where = in_period(ids, period, tz, now.astimezone(ZoneInfo(tz)).date())
    enterprise, obligation = col(OccurrenceRow.enterprise_id), col(OccurrenceRow.obligation_id)
    counts = {
        (int(e), str(o)): Counts(done=int(done), overdue=int(late), due=int(n - done - late))
        for e, o, done, late, n in session.execute(
            sa.select(
                enterprise,
                obligation,
                func.sum(case((col(OccurrenceRow.status) == DONE, 1), else_=0)),
                func.sum(case((is_overdue(now), 1), else_=0)),
                func.count(),
            )
            .where(where)
            .group_by(enterprise, obligation)
        ).all()
    }
    confirmed = (
        select(func.count())
        .where(col(Confirmation.occurrence_id) == col(OccurrenceRow.id))
        .correlate(OccurrenceRow)
        .scalar_subquery()
    )
    per_occurrence = (
        sa.select(
            enterprise.label("enterprise_id"),
            obligation.label("obligation_id"),
            col(OccurrenceRow.quota).label("quota"),
            confirmed.label("confirmed"),
        )
        .where(where, col(OccurrenceRow.quota) > 1)
        .subquery()
    )
    q = per_occurrence.c
    capped = case((q.confirmed < q.quota, q.confirmed), else_=q.quota)
    for e, o, done, total in session.execute(
        sa.select(q.enterprise_id, q.obligation_id, func.sum(capped), func.sum(q.quota)).group_by(
            q.enterprise_id, q.obligation_id
        )
    ).all():
        line = counts[(int(e), str(o))]
        line.quota_done, line.quota_total = int(done), int(total)
    return counts


def officer_name() -> Any:
    """The enterprise's designated safety officer's roster name (correlated to Enterprise)."""
    return (
        select(Member.name)
        .where(
            col(Member.enterprise_id) == col(Enterprise.id),
            col(Member.user_id) == col(Enterprise.safety_officer_id),
        )
        .correlate(Enterprise)
        .limit(1)
        .scalar_subquery()
    )


def overdue_groups(
    session: Session,
    ids: Sequence[int],
    period: Period,
    *,
    tz: str,
    now: dt.datetime,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[list[OverdueGroup], int]:
    """The chat's 督办清单: overdue items folded per enterprise, obligation and area, oldest
    first (17 missed daily checks are one line); returns (groups from ``offset``, at most
    ``limit``, and how many groups in all). Ties keep one order, so pages never overlap."""
    if not ids:
        return [], 0
    today = now.astimezone(ZoneInfo(tz)).date()
    first_due = func.min(OccurrenceRow.due_at)
    grouped = (
        sa.select(
            col(OccurrenceRow.enterprise_id),
            col(OccurrenceRow.obligation_id),
            col(OccurrenceRow.area),
            func.count().label("n"),
            first_due.label("first_due"),
        )
        .where(in_period(ids, period, tz, today), is_overdue(now))
        .group_by(
            col(OccurrenceRow.enterprise_id),
            col(OccurrenceRow.obligation_id),
            col(OccurrenceRow.area),
        )
    )
    total = session.execute(sa.select(func.count()).select_from(grouped.subquery())).scalar_one()
    rows = session.execute(
        grouped.order_by(
            first_due,
            col(OccurrenceRow.enterprise_id),
            col(OccurrenceRow.obligation_id),
            col(OccurrenceRow.area),
        )
        .offset(offset)
        .limit(limit)
    ).all()
    wanted = {row[0] for row in rows}
    people = {
        e_id: (name, zone, officer)
        for e_id, name, zone, officer in session.execute(
            sa.select(col(Enterprise.id), col(Enterprise.name), col(Enterprise.timezone), officer_name())
            .where(col(Enterprise.id).in_(wanted))
        ).all()
    }  # fmt: skip
    groups = []
    for enterprise_id, obligation_id, area, n, first in rows:
        name, zone, officer = people[enterprise_id]
        oldest = aware(first)
        assert oldest is not None
        groups.append(
            OverdueGroup(
                enterprise_id=enterprise_id, enterprise=name, obligation_id=obligation_id,
                area=area, count=int(n), first_due=oldest, timezone=zone, officer=officer,
                days_overdue=days_overdue(oldest, now, zone),
            )
        )  # fmt: skip
    return groups, int(total)


def days_overdue(due_at: dt.datetime, now: dt.datetime, tz: str) -> int:
    """Whole local days since the due day; at least 1 for anything past its deadline."""
    zone = ZoneInfo(tz)
    return max((now.astimezone(zone).date() - due_at.astimezone(zone).date()).days, 1)


def aware(value: dt.datetime | str | None) -> dt.datetime | None:
    """An aggregate over a UTC column may come back naive (SQLite), even as text."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def stats_report(
    session: Session,
    enterprise_ids: Sequence[int],
    period: Period,
    *,
    tz: str,
    now: dt.datetime,
    sources: ReportSources,
    overdue_limit: int | None = None,
) -> StatsReport:
    """Everything ``/stats`` shows for these enterprises in ``period`` (dates local to ``tz``)."""
    ids = sorted(set(enterprise_ids))
    enterprises = {
        e.id: EnterpriseLine(e.id, e.name, e.sector, township=e.township, authority=e.authority)
        for e in session.exec(select(Enterprise).where(col(Enterprise.id).in_(ids))).all()
        if e.id is not None
    }
    obligations: dict[str, Counts] = {}
    totals = Counts()
    for (enterprise_id, obligation_id), counts in grouped_counts(
        session, ids, period, tz=tz, now=now
    ).items():
        enterprises[enterprise_id].counts.add(counts)
        obligations.setdefault(obligation_id, Counts()).add(counts)
        totals.add(counts)
    start, end = period.start_utc(tz), period.end_utc(tz)
    awareness = sources.quiz.awareness(session, ids, as_of=min(now, end))
    drills = sources.drills.drills_done(session, ids, start=start, end=end)
    for line in enterprises.values():
        line.awareness = awareness.get(line.enterprise_id)
        line.drills = drills.get(line.enterprise_id)
    groups, group_count = overdue_groups(session, ids, period, tz=tz, now=now, limit=overdue_limit)
    return StatsReport(
        period=period,
        now=now,
        enterprises=sorted(enterprises.values(), key=_rank_key),
        obligations=dict(sorted(obligations.items(), key=lambda kv: -kv[1].overdue)),
        overdue=groups,
        overdue_groups=group_count,
        totals=totals,
        awareness=sum(awareness.values(), Awareness(0, 0)) if awareness else None,
        drills=sum(drills.values()) if drills else None,
    )


def _rank_key(line: EnterpriseLine) -> tuple[Any, ...]:
    completion = line.counts.completion
    return (completion is None, -(completion or 0.0), line.counts.overdue, line.name)
