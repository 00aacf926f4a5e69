"""Writing cells and sheets of the report workbook, shared by every sheet (bot/reports/excel.py,
bot/reports/hazard_sheet.py).

Headers are frozen and filterable, columns sized to their content (CJK characters count
double). Names and descriptions are typed by people in Telegram, so every cell is written
through :func:`put`: text that a spreadsheet would read as a formula (``=HYPERLINK(…)``,
``+1``, ``@SUM``, a leading tab) is stored as a text cell marked "quote prefix", shown exactly
as typed and never evaluated.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
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


def add_sheet(
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
