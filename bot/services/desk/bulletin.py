"""The figures of a 通报 (the printable bulletin of a period) and the workbook the desk serves.

Both read the same figures as the Telegram ``/report`` (``bot.reports``): the ranking and
counts of ``stats_report``, the 督办 groups, the period's 隐患台账. The bulletin adds what a
通报 is read for: the group tables (per 乡镇/街道 and 行业主管部门, when any enterprise has one
set) and a tally of the period's hazards.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field

from sqlmodel import Session

from bot.reports import build
from bot.reports.excel import build_workbook
from bot.reports.figures import Counts, EnterpriseLine, StatsReport
from bot.reports.hazard_sheet import HazardRow, hazard_rows
from bot.reports.labels import Labels
from bot.reports.period import local_today
from bot.reports.queries import stats_report
from bot.reports.sources import ReportSources
from bot.reports.summary_sheet import groups
from bot.services.desk.period import DeskPeriod
from bot.store.models import Enterprise
from bot.store.office_models import Office

OVERDUE_SHOWN = 100  # 督办 lines printed; the bulletin says how many more there are


@dataclass(frozen=True)
class GroupLine:
    """One 乡镇/街道 or 行业主管部门 of the bulletin's group tables."""

    name: str | None  # None: not set (未填写)
    enterprises: int
    counts: Counts


@dataclass(frozen=True)
class HazardTally:
    found: int = 0  # reported within the period
    closed: int = 0  # closed (销号) by now, of the period's hazards
    open: int = 0  # still being dealt with
    overdue: int = 0  # of the open ones, past their rectification deadline
    major_open: list[HazardRow] = field(default_factory=list)


@dataclass(frozen=True)
class Bulletin:
    period: DeskPeriod
    issuer: str  # the office's or the enterprise's name
    issued_on: dt.date  # today in the office's timezone
    tz: str
    stats: StatsReport
    townships: list[GroupLine]  # empty when no enterprise has a township set
    authorities: list[GroupLine]
    hazards: HazardTally

    @property
    def more_overdue(self) -> int:
        return self.stats.overdue_groups - len(self.stats.overdue)


def desk_timezone(
    session: Session, office_id: int | None, ids: Collection[int], default: str
) -> str:
    """The zone a desk's dates are in: its office's, or its one enterprise's."""
    if office_id is not None:
        office = session.get(Office, office_id)
        return office.timezone if office else default
    if len(ids) == 1:
        enterprise = session.get(Enterprise, next(iter(ids)))
        return enterprise.timezone if enterprise else default
    return default


def group_lines(lines: Sequence[EnterpriseLine], grouping: str, lb: Labels) -> list[GroupLine]:
    """Counts per group, or nothing when no enterprise has the attribute set."""
    grouped = groups(lines, grouping, lb)
    if all(name is None for name, _ in grouped):
        return []
    out = []
    for name, members in grouped:
        counts = Counts()
        for line in members:
            counts.add(line.counts)
        out.append(GroupLine(name, len(members), counts))
    return out


def tally(rows: Sequence[HazardRow], period: DeskPeriod, tz: str) -> HazardTally:
    start, end = period.range.start_utc(tz), period.range.end_utc(tz)
    still_open = [r for r in rows if r.status not in ("closed", "invalid")]
    return HazardTally(
        found=sum(1 for r in rows if start <= r.reported_at < end and r.status != "invalid"),
        closed=sum(1 for r in rows if r.status == "closed"),
        open=len(still_open),
        overdue=sum(1 for r in still_open if r.overdue),
        major_open=[r for r in still_open if r.grade == "major"],
    )


def bulletin(
    session: Session,
    ids: Collection[int],
    period: DeskPeriod,
    labels: Labels,
    *,
    issuer: str,
    tz: str,
    now: dt.datetime,
    sources: ReportSources,
) -> Bulletin:
    """The bulletin of ``period`` for the enterprises ``ids`` (dates local to ``tz``)."""
    ids = sorted(ids)
    stats = stats_report(session, ids, period.range, tz=tz, now=now, sources=sources,
                         overdue_limit=OVERDUE_SHOWN)  # fmt: skip
    return Bulletin(
        period=period,
        issuer=issuer,
        issued_on=local_today(now, tz),
        tz=tz,
        stats=stats,
        townships=group_lines(stats.enterprises, "township", labels),
        authorities=group_lines(stats.enterprises, "authority", labels),
        hazards=tally(hazard_rows(session, ids, period.range, tz=tz, now=now), period, tz),
    )


def workbook(
    session_factory: Callable[[], Session],
    ids: Collection[int],
    period: DeskPeriod,
    labels: Labels,
    *,
    issuer: str,
    tz: str,
    now: dt.datetime,
    sources: ReportSources,
    groupings: Sequence[str] = (),
) -> bytes:
    """The office workbook of ``period`` as .xlsx bytes (no chart): safe to run in a thread."""
    with session_factory() as session:
        data = build.collect(session, sorted(ids), period.range, tz=tz, now=now,
                             sources=sources, issuer=issuer, groupings=groupings)  # fmt: skip
    return build_workbook(data, labels, tz=tz)
