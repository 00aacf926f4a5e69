"""The machine the figures were measured on, and the table and RESULTS.md built from them.

Figures are plain dicts from the figure modules; a missing one (skipped, failed, or a module
not written yet) shows as "not measured" with the reason, never as a silent gap.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import shutil
import sqlite3
import subprocess
from importlib.metadata import version
from pathlib import Path
from typing import Any

Figures = dict[str, Any]
FINDINGS = Path(__file__).with_name("findings.md")


def machine() -> dict[str, str]:
    """CPU, cores, memory, Python, SQLite, PostgreSQL, libraries, load and date."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "CPU": f"{cpu}, {os.cpu_count()} cores",
        "memory": f"{mem_kb / 1024 / 1024:.1f} GiB",
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
        "PostgreSQL": postgres_version(),
        "libraries": ", ".join(
            f"{p} {version(p)}" for p in ("python-telegram-bot", "SQLAlchemy", "aiohttp", "httpx")
        ),
        "load average at start (1, 5, 15 min)": load,
    }


def postgres_version() -> str:
    url = os.environ.get("DATABASE_URL_PG")
    if url:
        from sqlalchemy import create_engine, text

        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                return str(conn.execute(text("SHOW server_version")).scalar_one()) + " (server)"
        except Exception as exc:  # the figure says why it has no PostgreSQL column
            return f"unreachable ({type(exc).__name__})"
        finally:
            engine.dispose()
    binary = shutil.which("postgres") or shutil.which("psql")
    if binary is None:
        return "not installed"
    out = subprocess.run([binary, "--version"], capture_output=True, text=True, check=False)
    return f"{out.stdout.strip()} (installed; DATABASE_URL_PG not set, so not measured)"


def _f(value: Any, digits: int = 0, unit: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "**no**"
    if isinstance(value, float | int):
        return f"{value:,.{digits}f}{unit}"
    return str(value)


def _aim(ok: bool | None) -> str:
    return "—" if ok is None else ("✅" if ok else "❌")


def rows(figures: dict[str, Figures | str]) -> list[tuple[str, str, str, str]]:
    """(figure, measured, aim, met) rows; a str entry is the reason a figure is missing."""
    out: list[tuple[str, str, str, str]] = []

    def missing(name: str, key: str) -> bool:
        if isinstance(figures.get(key), dict):
            return False
        out.append((name, f"not measured: {figures.get(key, 'skipped')}", "", ""))
        return True

    if not missing("1a fan-out, rate limiting off", "fanout_off"):
        f = figures["fanout_off"]
        out.append(
            (
                f"1a raw dispatch, limits off: {f['reminders']:,} reminders to {f['chats']:,} "
                f"chats; bare PTB sending the same messages; medians of {f['runs']} "
                "alternating runs",
                f"ours {_f(f['reminders_per_s'])} reminders/s ({_f(f['messages_per_s'])} msg/s); "
                f"bare PTB {_f(f['bare_messages_per_s'])} msg/s; ratio ours/bare "
                f"**{_f(f['ratio'], 2)}** (CPU-time ratio {_f(f['cpu_ratio'], 2)})",
                "ratio ≥ 0.5",
                _aim(f["ratio"] >= 0.5),
            )
        )
    if not missing("1b fan-out as shipped, Telegram's limits", "fanout_shipped"):
        f = figures["fanout_shipped"]
        ok = (
            f["worst_share"] >= 0.95
            and f["http_429"] == 0
            and f["due_before_lead"]
            and f["one_per_chat"]
            and f["complete"]
        )
        out.append(
            (
                f"1b fan-out as shipped (build_application's scheduler and limiter, "
                f"{_f(f['configured_per_s'])}/s configured), Telegram's limits enforced, "
                f"{f['rtt_ms']:.0f} ms round trips: {f['messages']:,} messages to as many groups "
                f"(half with lead-time news only); median of {f['runs']} runs",
                f"{_f(f['messages_per_s'], 1)} msg/s = **{_f(f['share_of_configured'] * 100, 1)} %** "
                f"of the configured rate (lowest run {_f(f['worst_share'] * 100, 1)} %; "
                f"{_f(f['share_of_telegram'] * 100, 1)} % of Telegram's 30/s) over "
                f"{_f(f['seconds'], 1)} s; 429 answers: **{f['http_429']}**; due/overdue "
                f"before lead-time: {_f(f['due_before_lead'])}; one message per group: "
                f"{_f(f['one_per_chat'])}",
                "≥ 95 %, no 429, order kept, one per group",
                _aim(ok),
            )
        )
    if not missing("2 updates: burst of ✅ presses", "updates"):
        f = figures["updates"]
        out.append(
            (
                f"2 updates: {f['presses']:,} ✅ presses from {f['users']:,} users (SQLite), "
                f"bare PTB making the same API calls, medians of {f['rounds']} alternating runs",
                f"ours {_f(f['updates_per_s'])}/s, p50 {_f(f['p50_ms'], 1)} ms, p99 "
                f"**{_f(f['p99_ms'], 1)} ms**; bare PTB {_f(f['bare_updates_per_s'])}/s (p99 "
                f"{_f(f['bare_p99_ms'], 1)} ms); {_f(f['api_calls_per_update'], 2)} API calls "
                f"per press each; ratio **{_f(f['ratio'], 2)}** (runs "
                f"{', '.join(_f(r, 2) for r in f['ratios'])}; CPU-time ratio "
                f"{_f(f['cpu_ratio'], 2)})",
                "ratio ≥ 0.5, p99 < 50 ms",
                _aim(f["ratio"] >= 0.5 and f["p99_ms"] < 50),
            )
        )
    if not missing("2b ✅ presses during a morning wave", "updates_wave"):
        f = figures["updates_wave"]
        out.append(
            (
                f"2b ✅ presses ({f['presses']:,}) during a {f['messages']:,}-message wave, "
                "as shipped (limits on, SQLite)",
                f"handling p50 {_f(f['handling_p50_ms'], 1)} ms, p99 "
                f"**{_f(f['handling_p99_ms'], 1)} ms**; press to answer p50 "
                f"{_f(f['answer_p50_ms'], 1)} ms, p99 **{_f(f['answer_p99_ms'], 1)} ms**; wave "
                f"{_f(f['wave_messages_per_s'], 1)} msg/s; event loop late by at most "
                f"{_f(f['loop_lag_max_ms'])} ms (p99 {_f(f['loop_lag_p99_ms'], 1)} ms)",
                "p99 < 200 ms",
                _aim(f["handling_p99_ms"] < 200 and f["answer_p99_ms"] < 200),
            )
        )
    for key in ("materialize_default", "materialize_pg", "materialize_year"):
        if missing(f"3 materialization ({key})", key):
            continue
        f = figures[key]
        stalls = (
            f"; event loop meanwhile (worker thread): longest stall "
            f"{_f(f['loop_max_stall_ms'])} ms, p99 {_f(f['loop_p99_stall_ms'], 1)} ms"
            if f.get("loop_max_stall_ms") is not None
            else ""
        )
        out.append(
            (
                f"3 materialization, {f['days']}-day horizon, {f['enterprises']:,} enterprises "
                f"({f['profiles']} profiles, full catalog), {f['database']}, measured at that size",
                f"daily run **{_f(f['daily_seconds'], 2)} s** ({_f(f['daily_rows'])} rows); "
                f"first run {_f(f['seconds'], 1)} s ({_f(f['rows'])} rows, "
                f"{_f(f['rows_per_s'])} rows/s); nothing to do {_f(f['rerun_seconds'], 3)} s; "
                f"peak RSS {_f(f['peak_rss_mb'])} MiB ({_f(f['baseline_rss_mb'])} MiB before)"
                f"{stalls}",
                "daily < 5 s" if key != "materialize_year" else "",
                _aim(f["daily_seconds"] < 5) if key != "materialize_year" else "—",
            )
        )
    if not missing("4 office /stats over 1,000,000 confirmations", "stats"):
        for db, f in figures["stats"].items():
            if not isinstance(f, dict):
                out.append((f"4 office /stats ({db})", f"not measured: {f}", "< 300 ms", ""))
                continue
            out.append(
                (
                    f"4 office /stats, {f['office_enterprises']} enterprises, {f.get('confirmations', 1_000_000):,} confirmations ({db})",
                    f"median **{_f(f['stats_median_ms'], 1)} ms**, max {_f(f['stats_max_ms'], 1)} ms",
                    "< 300 ms",
                    _aim(f["stats_median_ms"] < 300),
                )
            )
    if not missing("5 start-up of safetybot run", "startup"):
        f = figures["startup"]
        out.append(
            (
                f"5 start-up, `safetybot run`, {f['enterprises']:,} enterprises, clock at "
                f"{f['clock']} (injected)",
                f"ready in **{_f(f['full_ready_seconds'], 2)} s**, RSS **{_f(f['full_rss_mb'])} MiB** "
                f"(empty database: {_f(f.get('empty_ready_seconds'), 2)} s, "
                f"{_f(f.get('empty_rss_mb'))} MiB); graceful stop {_f(f['full_stop_seconds'], 2)} s",
                "",
                "—",
            )
        )
        if "backlog_stop_seconds" in f:
            out.append(
                (
                    f"5 graceful stop of `safetybot run` with {f['backlog_reminders']:,} reminders "
                    "due, SIGTERM once the wave began",
                    f"stopped in **{_f(f['backlog_stop_seconds'], 2)} s** "
                    f"({f['backlog_sent_before_exit']:,} messages sent by then)",
                    "≤ 10 s",
                    _aim(f["backlog_stop_seconds"] <= 10),
                )
            )
    return out


def table(figures: dict[str, Figures | str]) -> str:
    lines = ["| figure | measured | aim | met |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows(figures)]
    return "\n".join(lines)


def results_md(
    figures: dict[str, Figures | str],
    host: dict[str, str],
    profiles: dict[str, list[str]],
    seconds: float,
) -> str:
    """The whole RESULTS.md: how it was run, the machine, the table, profiles, changes."""
    parts = [
        "# Benchmark results",
        "",
        "Written by `python -m bench` (`make bench`); see `docs/benchmarks.md` for what each "
        f"figure does. This run took {seconds / 60:.1f} minutes.",
        "",
        "## Machine",
        "",
        *[f"- {k}: {v}" for k, v in host.items()],
        "",
        "## Figures",
        "",
        table(figures),
        "",
        "## Where the time goes",
        "",
    ]
    for name, lines in profiles.items():
        parts += [f"### {name}", "", "```", *lines, "```", ""]
    if FINDINGS.exists():
        parts += [FINDINGS.read_text().strip(), ""]
    return "\n".join(parts)
