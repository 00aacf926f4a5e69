"""The workbook's 汇总 sheet, and on request one more like it per 乡镇/街道, 行业主管部门 or 行业.

A sheet per group lists the group's enterprises, ranked as in 汇总, with a 合计 row: a
township's or a competent authority's share of the 通报 as a table of its own. Enterprises
whose township or authority nobody has set are grouped as "not set" (未填写), after the others.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from openpyxl import Workbook

from bot.reports.figures import Counts, EnterpriseLine
from bot.reports.labels import Labels
from bot.reports.sheets import PERCENT, Heading, add_sheet
from bot.reports.sources import Awareness

GROUPINGS = ("township", "authority", "sector")  # what a sheet per group may be by
COLUMNS = [
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
    "township",
    "authority",
]
FORMATS = {6: PERCENT, 7: PERCENT, 8: PERCENT}


def _row(rank: int | str, line: EnterpriseLine, sector: str, lb: Labels) -> list[object]:
    c = line.counts
    awareness = line.awareness.rate if line.awareness else None
    return [
        rank,
        line.name,
        sector,
        c.done,
        c.due,
        c.overdue,
        c.completion,
        c.quota_rate,
        lb["no_data"] if awareness is None else awareness,
        lb["no_data"] if line.drills is None else line.drills,
        line.township or "",
        line.authority or "",
    ]


def _total(lines: Sequence[EnterpriseLine], lb: Labels) -> list[object]:
    """The 合计 row: counts summed, rates of the sums (not averages of rates)."""
    counts = Counts()
    awareness: Awareness | None = None
    drills: int | None = None
    for line in lines:
        counts.add(line.counts)
        if line.awareness is not None:
            awareness = line.awareness if awareness is None else awareness + line.awareness
        if line.drills is not None:
            drills = (drills or 0) + line.drills
    total = EnterpriseLine(0, lb["total"], "", counts, awareness, drills)
    return _row("", total, "", lb)


def _table(lines: Sequence[EnterpriseLine], lb: Labels) -> list[list[object]]:
    return [_row(rank, line, lb.sector(line.sector), lb) for rank, line in enumerate(lines, 1)]


def add_summary_sheet(
    wb: Workbook, lines: Sequence[EnterpriseLine], lb: Labels, heading: Heading
) -> None:
    """汇总: every enterprise, best completion first, then 合计."""
    add_sheet(wb, lb["sheet_summary"], [lb[k] for k in COLUMNS], _table(lines, lb), FORMATS,
              heading=heading, title=lb.sheet_title(lb["sheet_summary"]),
              footer=_total(lines, lb) if lines else None)  # fmt: skip


def _key(grouping: str, lb: Labels) -> Callable[[EnterpriseLine], str | None]:
    if grouping == "township":
        return lambda line: line.township
    if grouping == "authority":
        return lambda line: line.authority
    return lambda line: lb.sector(line.sector)


def groups(
    lines: Sequence[EnterpriseLine], grouping: str, lb: Labels
) -> list[tuple[str | None, list[EnterpriseLine]]]:
    """The enterprises by ``grouping`` (ranked as given), groups by name, "not set" last."""
    key = _key(grouping, lb)
    grouped: dict[str | None, list[EnterpriseLine]] = {}
    for line in lines:
        grouped.setdefault(key(line) or None, []).append(line)
    return sorted(grouped.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))


def add_group_sheets(
    wb: Workbook,
    lines: Sequence[EnterpriseLine],
    lb: Labels,
    heading: Heading,
    groupings: Sequence[str],
) -> None:
    """One sheet per group of each of ``groupings`` (township, authority, sector)."""
    headers = [lb[k] for k in COLUMNS]
    for grouping in groupings:
        for name, members in groups(lines, grouping, lb):
            shown = name or lb["not_set"]
            add_sheet(wb, lb.group_sheet(grouping, shown), headers, _table(members, lb),
                      FORMATS, heading=heading, title=lb.group_title(grouping, shown),
                      footer=_total(members, lb))  # fmt: skip
