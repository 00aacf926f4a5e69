"""Golden 2027 calendars of high-risk and normal enterprises in several regional profiles, as
``schedules show --json`` gives them, so any change to the catalog or the recurrence maths
shows up as a reviewed diff.

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

from bot.cli.schedules import run_show

GOLDEN_DIR = Path(__file__).resolve().parents[1] / "golden"
FIELDS = ("obligation_id", "area", "label", "window_start", "window_end", "due", "quota", "kind")
CASES = {  # name: (sector, region)
    "hazardous_chemicals-2027": ("危险化学品", "national"),
    "industry_trade-2027": ("工贸", "national"),
    "hazardous_chemicals-hubei-2027": ("危险化学品", "hubei"),
    "industry_trade-hubei-2027": ("工贸", "hubei"),
    "hazardous_chemicals-xinzhou-2027": ("危险化学品", "xinzhou"),
    "industry_trade-xinzhou-2027": ("工贸", "xinzhou"),
}


def _calendar(sector: str, region: str) -> list[dict[str, Any]]:
    out = io.StringIO()
    code = run_show(
        sector=sector,
        high_risk=None,
        region=region,
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


def test_golden_counts_follow_the_sources() -> None:
    """Drills and inspections per region and risk level, as the cited items set them."""
    counts = {
        name: Counter(
            r["obligation_id"]
            for r in json.loads((GOLDEN_DIR / f"{name}.json").read_text(encoding="utf-8"))
        )
        for name in CASES
    }
    trio = ("leader-inspection", "emergency-drill", "evacuation-drill", "onsite-drill")
    expected = {
        # national: 应急条例 第八条 (危化: half-yearly), 应急预案管理办法 第三十三条
        "hazardous_chemicals-2027": [0, 2, 0, 2],
        "industry_trade-2027": [0, 1, 0, 2],
        # Hubei S0#8, S0#18: monthly / quarterly inspections, one evacuation drill (high-risk: 2)
        "hazardous_chemicals-hubei-2027": [12, 2, 2, 2],
        "industry_trade-hubei-2027": [4, 1, 1, 2],
        # Xinzhou S4#12 (high-risk only), S4#24: one drill per area (high-risk: half-yearly)
        "hazardous_chemicals-xinzhou-2027": [12, 2, 6, 2],
        "industry_trade-xinzhou-2027": [0, 1, 3, 2],
    }
    assert {name: [counts[name][k] for k in trio] for name in CASES} == expected
    hubei = counts["industry_trade-hubei-2027"]
    assert hubei["daily-control"] == 254  # 2027 working days: 261 weekdays, 7 of them holidays
    assert "daily-control" not in counts["industry_trade-2027"]
