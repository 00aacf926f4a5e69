"""Golden 2027 calendars of a high-risk and a normal enterprise, as ``schedules show --json``
gives them, so any change to the catalog or the recurrence maths shows up as a reviewed diff.

Regenerate after an intended change with ``UPDATE_GOLDEN=1`` and read the diff; adding the
2027 holiday file will move many due dates, which is exactly what the diff should show.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bot.catalog.commands import run_show

GOLDEN_DIR = Path(__file__).resolve().parents[1] / "golden"
FIELDS = ("obligation_id", "area", "label", "window_start", "window_end", "due", "quota", "kind")
CASES = {
    "hazardous_chemicals-2027": ("危险化学品", None),
    "industry_trade-2027": ("工贸", None),
}


def _calendar(sector: str, high_risk: bool | None) -> list[dict[str, Any]]:
    out = io.StringIO()
    code = run_show(
        sector=sector,
        high_risk=high_risk,
        start=dt.date(2027, 1, 1),
        end=dt.date(2027, 12, 31),
        as_json=True,
        ics_path=None,
        out=out,
        err=io.StringIO(),
        locale="zh_CN",
    )
    assert code == 0
    return [{k: row[k] for k in FIELDS} for row in json.loads(out.getvalue())]


def _dump(rows: list[dict[str, Any]]) -> str:
    """One occurrence per line: diffs of the golden file read like a changelog of dates."""
    body = ",\n".join(json.dumps(r, ensure_ascii=False) for r in rows)
    return f"[\n{body}\n]\n"


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_calendar(name: str) -> None:
    rows = _calendar(*CASES[name])
    path = GOLDEN_DIR / f"{name}.json"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN_DIR.mkdir(exist_ok=True)
        path.write_text(_dump(rows), encoding="utf-8")
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert rows == expected


def test_golden_counts_match_the_issue() -> None:
    counts = {
        name: Counter(
            r["obligation_id"]
            for r in json.loads((GOLDEN_DIR / f"{name}.json").read_text(encoding="utf-8"))
        )
        for name in CASES
    }
    high, normal = counts["hazardous_chemicals-2027"], counts["industry_trade-2027"]
    trio = ("leader-inspection", "emergency-drill", "evacuation-drill")
    assert [high[k] for k in trio] == [12, 2, 6]
    assert [normal[k] for k in trio] == [4, 1, 3]
    assert high["pre-shift-meeting"] == normal["daily-control"] == 261  # 2027 weekdays
    assert "pre-shift-meeting" not in normal
