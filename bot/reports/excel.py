"""The Excel workbook office staff file and forward: 汇总, 明细, 逾期, 考试.

Headers are frozen and filterable, columns sized to their content (CJK characters count
double), dates and times are real Excel dates in the enterprise's local time (Excel has no
time zones), rates are numbers formatted as percentages so they sort and sum.

Names are typed by people in Telegram, so every cell is written through :func:`put`: text that
a spreadsheet would read as a formula (``=HYPERLINK(…)``, ``+1``, ``@SUM``, a leading tab) is
stored as a text cell marked "quote prefix", shown exactly as typed and never evaluated.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot.reports.details import DetailRow, OverdueRow
from bot.reports.figures import StatsReport
from bot.reports.labels import Labels
from bot.reports.sources import WorkerResult

DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"
PERCENT = "0.0%"
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
# What makes a spreadsheet read a cell as a formula (OWASP's CSV-injection list), with the
# full-width forms a Chinese input method types.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


@dataclass(frozen=True)
class ReportData:
    stats: StatsReport
    details: Sequence[DetailRow]
    overdue: Sequence[OverdueRow]
    quiz: Sequence[WorkerResult] = ()
    evidence_link: Callable[[int], str] | None = None  # occurrence id → URL showing its evidence
    names: dict[int, str] = field(default_factory=dict)  # enterprise id → name, for quiz rows


def local(value: dt.datetime | None, tz: str) -> dt.datetime | None:
    """An aware moment as the naive local time Excel stores."""
    return value.astimezone(ZoneInfo(tz)).replace(tzinfo=None) if value else None


def _width(value: Any) -> int:
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def put(ws: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Write one cell (1-based); the only way this module writes a value.

    Text that starts like a formula stays text: openpyxl would otherwise store ``=…`` as a live
    formula, and Excel would turn ``+…``/``-…``/``@…`` into one as soon as the cell is edited.
    """
    cell: Cell = ws.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _sheet(
    wb: Workbook, title: str, headers: list[str], rows: list[list[Any]], formats: dict[int, str]
) -> Worksheet:
    """A sheet with a frozen, filterable header row; ``formats`` maps column index → number format."""
    ws = wb.create_sheet(title)
    for column, header in enumerate(headers, start=1):
        cell = put(ws, 1, column, header)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=False)
    widths = [_width(h) for h in headers]
    for row_index, row in enumerate(rows, start=2):
        for i, value in enumerate(row):
            put(ws, row_index, i + 1, value)
            widths[i] = max(widths[i], _width(value))
    for index, fmt in formats.items():
        for (cell,) in ws.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1):
            cell.number_format = fmt
    for i, width in enumerate(widths):
        ws.column_dimensions[get_column_letter(i + 1)].width = min(max(width + 2, 8), 60)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(len(rows) + 1, 1)}"
    return ws


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
    _sheet(
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
    ws = _sheet(
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
    _sheet(wb, lb["sheet_overdue"], [lb[k] for k in keys], rows, {4: DATETIME})


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
    _sheet(wb, lb["sheet_quiz"], [lb[k] for k in keys], rows, {3: PERCENT, 6: DATETIME})


def build_workbook(data: ReportData, labels: Labels, *, tz: str) -> bytes:
    """The workbook as .xlsx bytes; ``tz`` is the office's zone (for quiz times)."""
    wb = Workbook()
    assert wb.active is not None
    wb.remove(wb.active)
    _summary(wb, data, labels)
    _details(wb, data, labels)
    _overdue(wb, data, labels)
    _quiz(wb, data, labels, tz)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
