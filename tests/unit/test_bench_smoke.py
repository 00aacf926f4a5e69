"""The benchmarks still run: every figure with tiny sizes, and the results page renders.

Not a measurement (sizes are far too small to mean anything); it catches a benchmark broken
by a change in the code it drives, which would otherwise surface only at ``make bench``.
"""

from __future__ import annotations

from typing import Any

from bench import fanout, materialize, startup, updates, wave_presses
from bench.report import machine, results_md, table


def _check_fanout(f: dict[str, Any]) -> None:
    assert f["complete"] and f["sent"] == f["reminders"]


def test_fanout_without_limits_against_bare_ptb() -> None:
    f = fanout.raw(enterprises=3, items=3, lead=1, runs=2)
    _check_fanout(f)
    assert f["runs"] == 2 and f["messages"] == 3 and f["ratio"] > 0  # one digest per chat
    profile: list[str] = []
    fanout.raw(enterprises=3, items=3, lead=1, profile=profile)
    assert any("dispatcher.py" in line for line in profile)


def test_fanout_as_shipped_with_telegram_limits() -> None:
    f = fanout.shipped(enterprises=6, rtt=0.005, deadline=30)
    _check_fanout(f)
    assert f["http_429"] == 0 and f["share_of_configured"] > 0
    assert f["due_before_lead"] and f["one_per_chat"] and f["configured_per_s"] == 29


def test_update_burst_against_bare_ptb() -> None:
    f = updates.run(chats=2, people=2, items=2, rounds=2)
    assert f["presses"] == 8 and f["p99_ms"] >= f["p50_ms"] > 0 and f["ratio"] > 0
    assert f["rounds"] == 2 and f["bare_api_calls_per_update"] == f["api_calls_per_update"] > 1


def test_presses_during_a_wave() -> None:
    f = wave_presses.run(wave=4, pressers=2, people=2, items=2, rate=20.0, deadline=60)
    assert f["messages"] == 4 and f["presses"] > 0 and f["answered"] == f["presses"]


def test_materialization_in_a_child_process() -> None:
    f = materialize.run(enterprises=10, days=8)
    assert f["rows_per_enterprise"] > 0 and f["rerun_rows"] == 0 and f["peak_rss_mb"] > 0
    assert f["daily_enterprises"] == 10 and f["loop_max_stall_ms"] is not None


def test_startup_of_the_run_command() -> None:
    f = startup.run(enterprises=5, settle=0.0, baseline=False)
    assert 0 < f["full_ready_seconds"] < 60 and f["full_rss_mb"] > 0
    assert f["full_sent_before_exit"] == 0 and f["backlog_sent_before_exit"] > 0  # the clock


def test_results_page_shows_missing_figures() -> None:
    figures: dict[str, Any] = {"fanout_off": "failed: boom", "stats": "not there yet"}
    page = results_md(figures, machine(), {"fan-out": ["total 1 s"]}, 1.0)
    assert "not measured: failed: boom" in table(figures) and "## Machine" in page
    assert "SQLite" in page and "not measured: skipped" in page
