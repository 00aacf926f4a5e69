"""Figure 5, start-up: ``safetybot run`` with many enterprises, on an injected clock.

The database holds ``enterprises`` registered enterprises, materialized ahead, with ten
pending reminders each; the bot talks to the loopback emulator. The child process runs the
same entry point as ``safetybot run`` (``bot.cli.main.main(["run"])``) with a clock injected
that starts at a fixed moment and runs at wall speed (``bench.common.RunningClock``), so the
figure does not depend on today's date:

- **start-up**: the clock an hour before the reminders fire (nothing due): from spawning the
  process to its first ``getUpdates`` long poll reaching the emulator (imports, migrations
  check, catalog, ``setMyCommands`` and the start-up tick are done by then); resident memory
  then and after ``settle`` seconds, and how long a graceful stop (SIGTERM) takes;
- **stop under a backlog**: the clock when all ``10 × enterprises`` reminders are due; SIGTERM
  as soon as the first reminder reached the emulator: how long until the process exited
  (systemd's default stop timeout is 90 s).

The same start-up with no enterprises shows what they cost.

    python -m bench.startup --serve --at 2026-12-01T09:05+08:00    # the child: the bot
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import (
    NOW,
    RunningClock,
    make_chats,
    seed_enterprises,
    seed_reminders,
    sqlite_url,
)
from bot.demo.harness import DEMO_TOKEN
from bot.emulator import BotApiEmulator
from bot.store.db import make_engine, upgrade

ROOT = Path(__file__).resolve().parents[1]


def _memory_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process in MiB: resident now, and its peak."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return tuple(int(fields[k].split()[0]) / 1024 for k in ("VmRSS", "VmHWM"))  # type: ignore[return-value]


def _database(url: str, chat_ids: list[int]) -> None:
    engine = make_engine(url)
    upgrade(engine)
    if chat_ids:
        ids = seed_enterprises(engine, chat_ids, now=NOW)
        seed_reminders(engine, ids, now=NOW, items=10, lead=5)
    engine.dispose()


def _sends(emu: BotApiEmulator) -> int:
    return sum(1 for c in emu.calls if c.method == "sendMessage")


async def _start(
    url: str, enterprises: int, at: dt.datetime, settle: float, *, backlog: bool
) -> dict[str, float]:
    emu = BotApiEmulator()
    await emu.start()
    _database(url, make_chats(emu, enterprises).chat_ids)  # their groups, the bot in each
    env = os.environ | {
        "TELEGRAM_BOT_TOKEN": DEMO_TOKEN,
        "TELEGRAM_API_BASE_URL": emu.base_url,
        "DATABASE_URL": url,
        "LOG_LEVEL": "WARNING",
    }
    started = time.monotonic()
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.startup",
        "--serve",
        f"--at={at.isoformat()}",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await emu.wait_for(lambda: emu.long_polls_waiting > 0, timeout=120)
        ready = time.monotonic() - started
        rss_ready, _ = _memory_mb(proc.pid)
        if backlog:
            await emu.wait_for(lambda: _sends(emu) > 0, timeout=120)
        else:
            await asyncio.sleep(settle)
        rss, peak = _memory_mb(proc.pid)
        stopping = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        await asyncio.wait_for(proc.wait(), timeout=300)
        return {
            "ready_seconds": ready,
            "rss_ready_mb": rss_ready,
            "rss_mb": rss,
            "peak_rss_mb": peak,
            "stop_seconds": time.monotonic() - stopping,
            "sent_before_exit": _sends(emu),
        }
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        await emu.stop()


def run(
    *,
    enterprises: int = 10_000,
    settle: float = 3.0,
    baseline: bool = True,
    backlog: bool = True,
) -> dict[str, Any]:
    """Start-up with ``enterprises`` and (``baseline``) with none, each in a fresh database;
    (``backlog``) the graceful stop with every reminder due."""
    quiet_hour = NOW - dt.timedelta(hours=1)  # the seeded reminders fire at 09:00
    result: dict[str, Any] = {"enterprises": enterprises, "clock": quiet_hour.isoformat()}
    runs = [("empty", 0, quiet_hour, False), ("full", enterprises, quiet_hour, False)]
    if backlog:
        runs.append(("backlog", enterprises, NOW, True))
    for label, count, at, due in runs[0 if baseline else 1 :]:
        with sqlite_url() as url:
            figures = asyncio.run(_start(url, count, at, settle, backlog=due))
        result.update({f"{label}_{k}": v for k, v in figures.items()})
    if backlog:
        result["backlog_reminders"] = enterprises * 10
    return result


def serve(at: dt.datetime) -> int:
    """The bot as ``safetybot run`` starts it, on a clock that starts at ``at``."""
    from bot.cli.main import main

    return main(["run"], clock=RunningClock(at))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve", action="store_true", help="run the bot (the child)")
    parser.add_argument("--at", type=dt.datetime.fromisoformat, default=NOW)
    parser.add_argument("--enterprises", type=int, default=10_000)
    args = parser.parse_args()
    if args.serve:
        sys.exit(serve(args.at))
    print(run(enterprises=args.enterprises))
