"""The benchmarks still run: every figure with tiny sizes, and the results page renders.

Not a measurement (sizes are far too small to mean anything); it catches a benchmark broken
by a change in the code it drives, which would otherwise surface only at ``make bench``.
"""

from __future__ import annotations

from typing import Any

import pytest

from bench import fanout, materialize, startup, updates
from bench.report import machine, results_md, table


def _check_fanout(f: dict[str, Any]) -> None:
    assert f["complete"] and f["sent"] == f["reminders"] and f["due_before_lead"]


def test_fanout_without_limits_against_bare_ptb() -> None:
    profile: list[str] = []
    f = fanout.run(enterprises=3, items=3, lead=1, profile=profile)
    _check_fanout(f)
    assert f["messages"] == 3 and f["ratio"] > 0  # one wave: one digest per chat
    assert any("dispatcher.py" in line for line in profile)


@pytest.mark.parametrize("limiter", ["configured", "paced"])
def test_fanout_with_telegram_limits(limiter: str) -> None:
    f = fanout.run(enterprises=3, items=2, lead=1, limited=limiter, rtt=0.005, deadline=20)
    _check_fanout(f)
    assert f["http_429"] == 0 and f["share_of_limit"] > 0


def test_update_burst_against_bare_ptb() -> None:
    f = updates.run(chats=2, people=2, items=2)
    assert f["presses"] == 8 and f["p99_ms"] >= f["p50_ms"] > 0 and f["ratio"] > 0


def test_materialization_in_a_child_process() -> None:
    f = materialize.run(enterprises=10, sample=1, days=8)
    assert f["rows_per_enterprise"] > 0 and f["rerun_rows"] == 0 and f["peak_rss_mb"] > 0


def test_startup_of_the_run_command() -> None:
    f = startup.run(enterprises=5, settle=0.0, baseline=False)
    assert 0 < f["full_ready_seconds"] < 60 and f["full_rss_mb"] > 0


def test_results_page_shows_missing_figures() -> None:
    figures: dict[str, Any] = {"fanout_off": "failed: boom", "stats": "not there yet"}
    page = results_md(figures, machine(), {"fan-out": ["total 1 s"]}, 1.0)
    assert "not measured: failed: boom" in table(figures) and "## Machine" in page
    assert "SQLite" in page and "not measured: skipped" in page
