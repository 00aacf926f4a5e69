"""Writing cells and sheets of the report workbook, shared by every sheet (bot/reports/excel.py,
bot/reports/hazard_sheet.py).

Headers are frozen and filterable, columns sized to their content (CJK characters count
double). Names and descriptions are typed by people in Telegram, so every cell is written
through :func:`put`: text that a spreadsheet would read as a formula (``=HYPERLINK(…)``,
``+1``, ``@SUM``, a leading tab) is stored as a text cell marked "quote prefix", shown exactly
as typed and never evaluated.

Every sheet opens with the rows a formal report (报表) has above its table: a title, 统计期间,
填报单位 and 填报日期 (:class:`Heading`); the table's header is row ``HEADER_ROW`` and stays
frozen, and printing repeats it on each A4 page.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"
PERCENT = "0.0%"
HEADER_ROW = 5  # title, 统计期间, 填报单位, 填报日期, then the table's header
DATA_ROW = HEADER_ROW + 1
_TITLE_FONT = Font(bold=True, size=14)
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
# What makes a spreadsheet read a cell as a formula (OWASP's CSV-injection list), with the
# full-width forms a Chinese input method types.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


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
    """Write one cell (1-based); the only way the workbook's sheets write a value.

    Text that starts like a formula stays text: openpyxl would otherwise store ``=…`` as a live
    formula, and Excel would turn ``+…``/``-…``/``@…`` into one as soon as the cell is edited.
    """
    cell: Cell = ws.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


@dataclass(frozen=True)
class Heading:
    """What every sheet states above its table; ``words`` are the three row labels."""

    period: str  # 2026年第四季度（2026-10-01至2026-12-31）
    issuer: str  # 填报单位: the office's or the enterprise's name (people's text)
    issued_on: dt.date | None  # 填报日期: today in the office's timezone
    words: tuple[str, str, str]  # 统计期间, 填报单位, 填报日期


def _write_heading(ws: Worksheet, title: str, heading: Heading, columns: int) -> None:
    last = get_column_letter(max(columns, 2))
    cell = put(ws, 1, 1, title)
    cell.font, cell.alignment = _TITLE_FONT, Alignment(horizontal="center", vertical="center")
    ws.merge_cells(f"A1:{last}1")
    ws.row_dimensions[1].height = 24
    values = (heading.period, heading.issuer, heading.issued_on)
    for row, (word, value) in enumerate(zip(heading.words, values, strict=True), start=2):
        put(ws, row, 1, word).font = _HEADER_FONT
        put(ws, row, 2, value).alignment = Alignment(horizontal="left")
        if isinstance(value, dt.date):
            ws.cell(row=row, column=2).number_format = DATE
        ws.merge_cells(f"B{row}:{last}{row}")


def _page_setup(ws: Worksheet, columns: int) -> None:
    """Printed on A4 landscape, as wide as the page, the header row on every page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.print_area = f"A1:{get_column_letter(columns)}{ws.max_row}"


def add_sheet(
    wb: Workbook,
    name: str,
    headers: list[str],
    rows: list[list[Any]],
    formats: dict[int, str],
    *,
    heading: Heading,
    title: str,
    footer: list[Any] | None = None,
) -> Worksheet:
    """A sheet named ``name``: the formal rows (``title`` and ``heading``), then a table with a
    frozen, filterable header row and, given one, a bold ``footer`` row (合计) that sorting and
    filtering leave in place; ``formats`` maps column index → number format."""
    ws = wb.create_sheet(sheet_name(wb, name))
    _write_heading(ws, title, heading, len(headers))
    for column, header in enumerate(headers, start=1):
        cell = put(ws, HEADER_ROW, column, header)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=False)
    widths = [_width(h) for h in headers]
    widths[0] = max([widths[0], *(_width(word) for word in heading.words)])
    for row_index, row in enumerate([*rows, footer] if footer else rows, start=DATA_ROW):
        for i, value in enumerate(row):
            cell = put(ws, row_index, i + 1, value)
            widths[i] = max(widths[i], _width(value))
            if row is footer:
                cell.font = _HEADER_FONT
    for index, fmt in formats.items():
        for (cell,) in ws.iter_rows(min_row=DATA_ROW, min_col=index + 1, max_col=index + 1):
            cell.number_format = fmt
    for i, width in enumerate(widths):
        ws.column_dimensions[get_column_letter(i + 1)].width = min(max(width + 2, 8), 60)
    ws.freeze_panes = f"A{DATA_ROW}"
    last_column = get_column_letter(len(headers))
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last_column}{HEADER_ROW + len(rows)}"
    _page_setup(ws, len(headers))
    return ws


_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX = 31  # Excel's limit


def sheet_name(wb: Workbook, text: str) -> str:
    """``text`` as a sheet name Excel accepts: no ``[]:*?/\\``, no quote at either end, at most
    31 characters, and unlike the workbook's other sheets (``~2``, ``~3``… when taken)."""
    cleaned = _NOT_IN_SHEET_NAMES.sub("_", " ".join(text.split()))
    base = cleaned.strip("'")[:SHEET_NAME_MAX].strip("'") or "_"
    taken = {n.lower() for n in wb.sheetnames}
    candidate, n = base, 1
    while candidate.lower() in taken:
        n += 1
        suffix = f"~{n}"
        candidate = base[: SHEET_NAME_MAX - len(suffix)] + suffix
    return candidate
