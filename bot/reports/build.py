"""Assemble a report: figures from the database, then the workbook and chart from the figures.

A workbook for 200 enterprises reads ~10,000 detail rows and takes a second or two to write,
so the bot runs ``make_report`` -- its own session, the reads, the rendering -- in a worker
thread, and the event loop keeps serving other chats meanwhile.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlmodel import Session

from bot.reports.chart import render_chart
from bot.reports.details import detail_rows, overdue_rows
from bot.reports.excel import ReportData, build_workbook
from bot.reports.hazard_sheet import hazard_rows
from bot.reports.labels import Labels
from bot.reports.people_sheets import Numbers, PeopleSheets, people_rows
from bot.reports.period import Period, local_today
from bot.reports.queries import stats_report
from bot.reports.sources import ReportSources


@dataclass(frozen=True)
class ReportFiles:
    workbook: bytes
    chart: bytes
    workbook_name: str
    chart_name: str
    data: ReportData


def collect(
    session: Session,
    enterprise_ids: Sequence[int],
    period: Period,
    *,
    tz: str,
    now: dt.datetime,
    sources: ReportSources,
    evidence_link: Callable[[int], str] | None = None,
    issuer: str | None = None,
    groupings: Sequence[str] = (),
    numbers: Numbers = Numbers.SHARED,
) -> ReportData:
    """Every figure the workbook shows, read in one session.

    ``issuer`` is the 填报单位 (the office's name); None: the enterprise's own name when the
    report is about one enterprise. The 填报日期 is today in ``tz``.
    """
    stats = stats_report(session, enterprise_ids, period, tz=tz, now=now, sources=sources)
    ids = [line.enterprise_id for line in stats.enterprises]
    if issuer is None:
        issuer = stats.enterprises[0].name if len(stats.enterprises) == 1 else ""
    return ReportData(
        stats=stats,
        details=detail_rows(session, ids, period, tz=tz, now=now),
        overdue=overdue_rows(session, ids, period, tz=tz, now=now),
        quiz=sources.quiz.worker_results(
            session, ids, start=period.start_utc(tz), end=period.end_utc(tz)
        ),
        evidence_link=evidence_link,
        names={line.enterprise_id: line.name for line in stats.enterprises},
        hazards=hazard_rows(session, ids, period, tz=tz, now=now),
        issuer=issuer,
        issued_on=local_today(now, tz),
        groupings=tuple(groupings),
        people=_people(session, sources, ids, period, tz=tz, now=now, numbers=numbers),
    )


def _people(
    session: Session, sources: ReportSources, ids: Sequence[int], period: Period, *, tz: str,
    now: dt.datetime, numbers: Numbers,
) -> PeopleSheets | None:  # fmt: skip
    """The 持证台账 and 培训台账 as of the period's last day (today, if it runs on)."""
    if sources.people is None:
        return None
    as_of = min(period.end, local_today(now, tz))
    return people_rows(session, sources.people, ids, as_of=as_of, numbers=numbers)


def render_files(data: ReportData, labels: Labels, *, tz: str) -> ReportFiles:
    period = data.stats.period
    stem = f"safety-report-{period.start:%Y%m%d}-{period.end:%Y%m%d}"
    return ReportFiles(
        workbook=build_workbook(data, labels, tz=tz),
        chart=render_chart(data.stats, labels),
        workbook_name=f"{stem}.xlsx",
        chart_name=f"{stem}.png",
        data=data,
    )


def make_report(
    session_factory: Callable[[], Session],
    enterprise_ids: Sequence[int],
    period: Period,
    labels: Labels,
    *,
    tz: str,
    now: dt.datetime,
    sources: ReportSources,
    evidence_link: Callable[[int], str] | None = None,
    issuer: str | None = None,
    groupings: Sequence[str] = (),
    numbers: Numbers = Numbers.SHARED,
) -> ReportFiles:
    """``collect`` in a session of its own, then ``render_files``: safe to run in a thread."""
    with session_factory() as session:
        data = collect(
            session,
            enterprise_ids,
            period,
            tz=tz,
            now=now,
            sources=sources,
            evidence_link=evidence_link,
            issuer=issuer,
            groupings=groupings,
            numbers=numbers,
        )
    return render_files(data, labels, tz=tz)
