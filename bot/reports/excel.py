"""The Excel workbook office staff file and forward: 汇总, 明细, 逾期, 考试, 隐患台账, and on
request a sheet per 乡镇/街道, 行业主管部门 or 行业 (``ReportData.groupings``).

Every sheet opens with a formal report's rows: its title, 统计期间, 填报单位 and 填报日期
(bot/reports/sheets.py); the table follows.

Dates and times are real Excel dates in the enterprise's local time (Excel has no time zones),
rates are numbers formatted as percentages so they sort and sum. Every cell is written through
:func:`bot.reports.sheets.put`, which keeps text that looks like a formula as text.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from openpyxl import Workbook

from bot.reports.details import DetailRow, OverdueRow
from bot.reports.figures import StatsReport
from bot.reports.hazard_sheet import HazardRow, add_hazard_sheet
from bot.reports.labels import Labels
from bot.reports.people_sheets import PeopleSheets, add_people_sheets
from bot.reports.sheets import DATA_ROW, DATE, DATETIME, PERCENT, Heading, add_sheet, local
from bot.reports.sources import WorkerResult
from bot.reports.summary_sheet import add_group_sheets, add_summary_sheet


@dataclass(frozen=True)
class ReportData:
    stats: StatsReport
    details: Sequence[DetailRow]
    overdue: Sequence[OverdueRow]
    quiz: Sequence[WorkerResult] = ()
    evidence_link: Callable[[int], str] | None = None  # occurrence id → URL showing its evidence
    names: dict[int, str] = field(default_factory=dict)  # enterprise id → name, for quiz rows
    hazards: Sequence[HazardRow] = ()  # the 隐患台账
    issuer: str = ""  # 填报单位: the office's name (an enterprise's own report: its name)
    issued_on: dt.date | None = None  # 填报日期: today in the office's timezone
    groupings: Sequence[str] = ()  # a sheet per group of each: township, authority, sector
    people: PeopleSheets | None = None  # the 持证台账 and 培训台账 (None: not asked for)

    def heading(self, lb: Labels) -> Heading:
        words = (lb["formal_period"], lb["formal_issuer"], lb["formal_date"])
        return Heading(lb["period_text"], self.issuer, self.issued_on, words)


def _details(wb: Workbook, data: ReportData, lb: Labels, heading: Heading) -> None:
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
        heading=heading,
        title=lb.sheet_title(lb["sheet_detail"]),
    )
    if data.evidence_link is not None:
        for row_index, d in enumerate(data.details, start=DATA_ROW):
            if d.evidence:
                cell = ws.cell(row=row_index, column=len(keys))
                cell.hyperlink = data.evidence_link(d.occurrence_id)
                cell.style = "Hyperlink"


def _overdue(wb: Workbook, data: ReportData, lb: Labels, heading: Heading) -> None:
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
    add_sheet(wb, lb["sheet_overdue"], [lb[k] for k in keys], rows, {4: DATETIME},
              heading=heading, title=lb.sheet_title(lb["sheet_overdue"]))  # fmt: skip


def _quiz(wb: Workbook, data: ReportData, lb: Labels, tz: str, heading: Heading) -> None:
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
    add_sheet(wb, lb["sheet_quiz"], [lb[k] for k in keys], rows, {3: PERCENT, 6: DATETIME},
              heading=heading, title=lb.sheet_title(lb["sheet_quiz"]))  # fmt: skip


def build_workbook(data: ReportData, labels: Labels, *, tz: str) -> bytes:
    """The workbook as .xlsx bytes; ``tz`` is the office's zone (for quiz times)."""
    wb = Workbook()
    assert wb.active is not None
    wb.remove(wb.active)
    heading = data.heading(labels)
    add_summary_sheet(wb, data.stats.enterprises, labels, heading)
    _details(wb, data, labels, heading)
    _overdue(wb, data, labels, heading)
    _quiz(wb, data, labels, tz, heading)
    add_people_sheets(wb, data.people, labels, heading)
    add_hazard_sheet(wb, data.hazards, labels, heading)
    add_group_sheets(wb, data.stats.enterprises, labels, heading, data.groupings)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
