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
from bot.reports.period import Period
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
) -> ReportData:
    """Every figure the workbook shows, read in one session."""
    stats = stats_report(session, enterprise_ids, period, tz=tz, now=now, sources=sources)
    ids = [line.enterprise_id for line in stats.enterprises]
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
    )


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
        )
    return render_files(data, labels, tz=tz)
