"""The Excel workbook office staff file and forward: 汇总, 明细, 逾期, 考试, 隐患台账.

Dates and times are real Excel dates in the enterprise's local time (Excel has no time zones),
rates are numbers formatted as percentages so they sort and sum. Every cell is written through
:func:`bot.reports.sheets.put`, which keeps text that looks like a formula as text.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from openpyxl import Workbook

from bot.reports.details import DetailRow, OverdueRow
from bot.reports.figures import StatsReport
from bot.reports.hazard_sheet import HazardRow, add_hazard_sheet
from bot.reports.labels import Labels
from bot.reports.sheets import DATE, DATETIME, PERCENT, add_sheet, local
from bot.reports.sources import WorkerResult


@dataclass(frozen=True)
class ReportData:
    stats: StatsReport
    details: Sequence[DetailRow]
    overdue: Sequence[OverdueRow]
    quiz: Sequence[WorkerResult] = ()
    evidence_link: Callable[[int], str] | None = None  # occurrence id → URL showing its evidence
    names: dict[int, str] = field(default_factory=dict)  # enterprise id → name, for quiz rows
    hazards: Sequence[HazardRow] = ()  # the 隐患台账


def _summary(wb: Workbook, data: ReportData, lb: Labels) -> None:
    keys = [
        "rank",
        "enterprise",
        "sector",
        "done",
        "due",
        "overdue",
        "completion",
        "quota",
        "awareness",
        "drills",
    ]
    rows = []
    for rank, line in enumerate(data.stats.enterprises, start=1):
        c = line.counts
        awareness = line.awareness.rate if line.awareness else None
        rows.append(
            [
                rank,
                line.name,
                lb.sector(line.sector),
                c.done,
                c.due,
                c.overdue,
                c.completion,
                c.quota_rate,
                lb["no_data"] if awareness is None else awareness,
                lb["no_data"] if line.drills is None else line.drills,
            ]
        )
    add_sheet(
        wb, lb["sheet_summary"], [lb[k] for k in keys], rows, {6: PERCENT, 7: PERCENT, 8: PERCENT}
    )


def _details(wb: Workbook, data: ReportData, lb: Labels) -> None:
    keys = [
        "enterprise",
        "obligation",
        "area",
        "label",
        "window_start",
        "due_date",
        "state",
        "done_at",
        "confirmers",
        "confirmed_at",
        "confirmations",
        "evidence",
        "evidence_link",
    ]
    rows = [
        [
            d.enterprise,
            lb.title(d.obligation_id),
            lb.area(d.area),
            d.label,
            d.window_start,
            local(d.due_at, d.timezone),
            lb[f"state_{d.state}"],
            local(d.done_at, d.timezone),
            d.confirmers,
            local(d.first_confirmed_at, d.timezone),
            d.confirmations,
            d.evidence,
            lb["evidence_open"] if d.evidence and data.evidence_link else "",
        ]
        for d in data.details
    ]
    ws = add_sheet(
        wb,
        lb["sheet_detail"],
        [lb[k] for k in keys],
        rows,
        {4: DATE, 5: DATETIME, 7: DATETIME, 9: DATETIME},
    )
    if data.evidence_link is not None:
        for row_index, d in enumerate(data.details, start=2):
            if d.evidence:
                cell = ws.cell(row=row_index, column=len(keys))
                cell.hyperlink = data.evidence_link(d.occurrence_id)
                cell.style = "Hyperlink"


def _overdue(wb: Workbook, data: ReportData, lb: Labels) -> None:
    keys = [
        "enterprise",
        "obligation",
        "area",
        "label",
        "due_date",
        "days_overdue",
        "responsible",
        "officer",
    ]
    rows = [
        [
            o.enterprise,
            lb.title(o.obligation_id),
            lb.area(o.area),
            o.label,
            local(o.due_at, o.timezone),
            o.days_overdue,
            lb.responsible(o.obligation_id),
            o.officer or "",
        ]
        for o in data.overdue
    ]
    add_sheet(wb, lb["sheet_overdue"], [lb[k] for k in keys], rows, {4: DATETIME})


def _quiz(wb: Workbook, data: ReportData, lb: Labels, tz: str) -> None:
    keys = [
        "enterprise",
        "worker",
        "answered",
        "correct_rate",
        "checks",
        "checks_passed",
        "last_check",
        "last_result",
    ]
    rows = [
        [
            data.names.get(w.enterprise_id, ""),
            w.name,
            w.answered,
            w.correct_rate,
            w.checks,
            w.checks_passed,
            local(w.last_check_at, tz),
            ""
            if w.last_check_passed is None
            else lb["passed" if w.last_check_passed else "failed"],
        ]
        for w in data.quiz
    ]
    add_sheet(wb, lb["sheet_quiz"], [lb[k] for k in keys], rows, {3: PERCENT, 6: DATETIME})


def build_workbook(data: ReportData, labels: Labels, *, tz: str) -> bytes:
    """The workbook as .xlsx bytes; ``tz`` is the office's zone (for quiz times)."""
    wb = Workbook()
    assert wb.active is not None
    wb.remove(wb.active)
    _summary(wb, data, labels)
    _details(wb, data, labels)
    _overdue(wb, data, labels)
    _quiz(wb, data, labels, tz)
    add_hazard_sheet(wb, data.hazards, labels)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
