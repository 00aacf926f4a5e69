"""One enterprise on the desk: who it is, its figures for the period, completion week by week
(month by month over long periods), quiz and drill results, and its timeline (``timeline``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from bot.reports.queries import aware, officer_name
from bot.services.desk.filters import PAGE_SIZE
from bot.services.desk.overview import EnterpriseRow, PeriodLike, as_report_period, enterprise_rows
from bot.services.desk.timeline import Timeline, timeline
from bot.services.drill.queries import DrillStats, drill_stats
from bot.services.quiz.stats import QuizStats, quiz_stats
from bot.store.models import Enterprise, OccurrenceRow, OccurrenceStatus

LONG_PERIOD_DAYS = 92  # longer periods chart month by month


@dataclass(frozen=True)
class Bucket:
    """Duties due in one week (or month) of the period: done, overdue, still open."""

    start: dt.date
    done: int = 0
    overdue: int = 0
    open: int = 0

    @property
    def total(self) -> int:
        return self.done + self.overdue + self.open


@dataclass(frozen=True)
class EnterprisePage:
    enterprise: Enterprise
    officer: str | None
    figures: EnterpriseRow
    buckets: list[Bucket]
    monthly: bool  # buckets are months (else weeks starting on Monday)
    quiz: QuizStats
    drills: DrillStats
    timeline: Timeline


def enterprise_page(
    session: Session,
    enterprise_id: int,
    period: PeriodLike,
    *,
    tz: str,
    now: dt.datetime,
    page_number: int = 1,
    page_size: int = PAGE_SIZE,
) -> EnterprisePage:
    """Everything the enterprise page shows; LookupError if no such enterprise, PageGone past
    the timeline's last page. The caller has checked the session may see it."""
    row = session.execute(
        sa.select(Enterprise, officer_name()).where(col(Enterprise.id) == enterprise_id)
    ).first()
    if row is None:
        raise LookupError(enterprise_id)
    enterprise, officer = row
    own = as_report_period(period)
    start, end = own.start_utc(tz), own.end_utc(tz)
    (figures,) = enterprise_rows(session, [enterprise_id], period, tz=tz, now=now)
    monthly = own.days > LONG_PERIOD_DAYS
    return EnterprisePage(
        enterprise=enterprise,
        officer=officer,
        figures=figures,
        buckets=buckets(
            session, enterprise_id, start=start, end=end, tz=tz, now=now, monthly=monthly
        ),
        monthly=monthly,
        quiz=quiz_stats(session, enterprise_id, start, min(end, now)),
        drills=drill_stats(session, enterprise_id, start, min(end, now)),
        timeline=timeline(
            session,
            enterprise_id,
            start=start,
            end=end,
            now=now,
            page_number=page_number,
            page_size=page_size,
        ),
    )


def _bucket_start(day: dt.date, monthly: bool) -> dt.date:
    return day.replace(day=1) if monthly else day - dt.timedelta(days=day.weekday())


def buckets(
    session: Session,
    enterprise_id: int,
    *,
    start: dt.datetime,
    end: dt.datetime,
    tz: str,
    now: dt.datetime,
    monthly: bool,
) -> list[Bucket]:
    """Duties due in [start, end) by week (or month) of their due day, every bucket present."""
    zone = ZoneInfo(tz)
    counts: dict[dt.date, list[int]] = {}
    day = _bucket_start(start.astimezone(zone).date(), monthly)
    last = (end - dt.timedelta(seconds=1)).astimezone(zone).date()
    while day <= last:
        counts[day] = [0, 0, 0]
        day = (day + dt.timedelta(days=32)).replace(day=1) if monthly else day + dt.timedelta(7)
    rows = session.exec(
        select(OccurrenceRow.due_at, OccurrenceRow.status).where(
            OccurrenceRow.enterprise_id == enterprise_id,
            col(OccurrenceRow.due_at) >= start,
            col(OccurrenceRow.due_at) < end,
        )
    ).all()
    for due_at, status in rows:
        due = aware(due_at)
        assert due is not None
        key = _bucket_start(due.astimezone(zone).date(), monthly)
        done = status == OccurrenceStatus.DONE.value
        counts[key][0 if done else 1 if due < now else 2] += 1
    return [Bucket(day, *n) for day, n in counts.items()]
