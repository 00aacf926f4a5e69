"""The overview of an office's enterprises: per enterprise completion, overdue duties, open
and 重大 hazards, 知晓率 and the last drill, ranked; totals and a completion histogram.

Figures for every enterprise in view come from a handful of grouped queries (completion
from ``bot.reports.queries.grouped_counts``, the rest from ``figures``); Python only ranks
the few hundred lines and slices the page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col

from bot.reports.figures import Counts
from bot.reports.period import Period as ReportPeriod
from bot.reports.queries import grouped_counts
from bot.reports.sources import Awareness
from bot.services.desk import figures
from bot.services.desk.filters import PAGE_SIZE, PageInfo, page
from bot.store.models import Enterprise

# Completion bands of the histogram, as lower bounds (the last band is exactly 100%).
BANDS = (0.0, 0.6, 0.8, 0.95, 1.0)


class PeriodLike(Protocol):
    """A reporting period of local dates, both ends included (``bot.services.desk.period``)."""

    @property
    def start(self) -> dt.date: ...

    @property
    def end(self) -> dt.date: ...


def as_report_period(period: PeriodLike) -> ReportPeriod:
    return ReportPeriod(period.start, period.end)


@dataclass
class EnterpriseRow:
    enterprise_id: int
    name: str
    sector: str
    township: str | None
    authority: str | None
    counts: Counts = field(default_factory=Counts)
    hazards: figures.HazardCounts = field(default_factory=figures.HazardCounts)
    awareness: Awareness | None = None
    last_drill: dt.datetime | None = None
    rank: int = 0

    @property
    def completion(self) -> float | None:
        return self.counts.completion


@dataclass(frozen=True)
class Overview:
    rows: list[EnterpriseRow]  # this page of the ranking
    page: PageInfo
    totals: Counts
    hazards: figures.HazardCounts
    awareness: Awareness | None
    bands: list[int]  # enterprises per completion band (BANDS), then "no data"
    enterprises: int  # in view, all pages
    without_drill: int  # enterprises with no drill on record


def rank_key(row: EnterpriseRow) -> tuple[bool, float, int, str, int]:
    """Best completion first; then fewer overdue; then name."""
    completion = row.completion
    return (
        completion is None,
        -(completion or 0.0),
        row.counts.overdue,
        row.name,
        row.enterprise_id,
    )


def band_of(completion: float) -> int:
    return max(i for i, low in enumerate(BANDS) if completion >= low)


def enterprise_rows(
    session: Session, ids: Sequence[int], period: PeriodLike, *, tz: str, now: dt.datetime
) -> list[EnterpriseRow]:
    """Every enterprise in ``ids`` with its figures, ranked (``rank`` from 1)."""
    if not ids:
        return []
    e = Enterprise
    rows = {
        int(i): EnterpriseRow(int(i), name, sector, township, authority)
        for i, name, sector, township, authority in session.execute(
            sa.select(col(e.id), col(e.name), col(e.sector), col(e.township), col(e.authority))
            .where(col(e.id).in_(ids))
        ).all()
    }  # fmt: skip
    ids = sorted(rows)
    for (enterprise_id, _), counts in grouped_counts(
        session, ids, as_report_period(period), tz=tz, now=now
    ).items():
        rows[enterprise_id].counts.add(counts)
    end = as_report_period(period).end_utc(tz)
    today = now.astimezone(ZoneInfo(tz)).date()
    for enterprise_id, hazards in figures.hazard_counts(session, ids, today=today).items():
        rows[enterprise_id].hazards = hazards
    for enterprise_id, known in figures.awareness(session, ids, as_of=min(now, end)).items():
        rows[enterprise_id].awareness = known
    for enterprise_id, at in figures.last_drills(session, ids, before=min(now, end)).items():
        rows[enterprise_id].last_drill = at
    ranked = sorted(rows.values(), key=rank_key)
    for number, row in enumerate(ranked, start=1):
        row.rank = number
    return ranked


def overview(
    session: Session,
    ids: Sequence[int],
    period: PeriodLike,
    *,
    tz: str,
    now: dt.datetime,
    page_number: int = 1,
    page_size: int = PAGE_SIZE,
) -> Overview:
    """The overview of ``ids`` in ``period``; PageGone past the last page."""
    ranked = enterprise_rows(session, ids, period, tz=tz, now=now)
    info = page(page_number, len(ranked), page_size)
    totals = Counts()
    hazards = figures.HazardCounts()
    known: list[Awareness] = []
    bands = [0] * (len(BANDS) + 1)
    for row in ranked:
        totals.add(row.counts)
        h = row.hazards
        hazards = figures.HazardCounts(
            hazards.open + h.open, hazards.major + h.major, hazards.overdue + h.overdue
        )
        if row.awareness is not None:
            known.append(row.awareness)
        completion = row.completion
        bands[len(BANDS) if completion is None else band_of(completion)] += 1
    return Overview(
        rows=ranked[info.offset : info.offset + info.size],
        page=info,
        totals=totals,
        hazards=hazards,
        awareness=sum(known, Awareness(0, 0)) if known else None,
        bands=bands,
        enterprises=len(ranked),
        without_drill=sum(1 for row in ranked if row.last_drill is None),
    )
