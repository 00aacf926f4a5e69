"""Figure 5, start-up: ``safetybot run`` (as ``python -m bot run``) with many enterprises.

The database holds ``enterprises`` registered enterprises, materialized ahead, with ten
pending reminders each (not yet due); the bot talks to the loopback emulator. Start-up time
is from spawning the process to its first ``getUpdates`` long poll reaching the emulator
(imports, migrations check, catalog, ``setMyCommands`` and the start-up tick are done by
then); resident memory is read from ``/proc`` at that moment and again a few seconds later,
when the process has settled. The same with no enterprises shows what they cost.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import NOW, seed_enterprises, seed_reminders, sqlite_url
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


def _database(url: str, enterprises: int) -> None:
    engine = make_engine(url)
    upgrade(engine)
    if enterprises:
        ids = seed_enterprises(engine, [-1_000_000 - n for n in range(enterprises)], now=NOW)
        seed_reminders(engine, ids, now=NOW, items=10, lead=5)
    engine.dispose()


async def _start(url: str, settle: float) -> dict[str, float]:
    emu = BotApiEmulator()
    await emu.start()
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
        "bot",
        "run",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await emu.wait_for(lambda: emu.long_polls_waiting > 0, timeout=120)
        ready = time.monotonic() - started
        rss_ready, _ = _memory_mb(proc.pid)
        await asyncio.sleep(settle)
        rss, peak = _memory_mb(proc.pid)
        stopping = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        await asyncio.wait_for(proc.wait(), timeout=60)
        return {
            "ready_seconds": ready,
            "rss_ready_mb": rss_ready,
            "rss_mb": rss,
            "peak_rss_mb": peak,
            "stop_seconds": time.monotonic() - stopping,
        }
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        await emu.stop()


def run(*, enterprises: int = 10_000, settle: float = 3.0, baseline: bool = True) -> dict[str, Any]:
    """Start-up with ``enterprises`` and (``baseline``) with none, each in a fresh database."""
    result: dict[str, Any] = {"enterprises": enterprises}
    for label, count in (("empty", 0), ("full", enterprises))[0 if baseline else 1 :]:
        with sqlite_url() as url:
            _database(url, count)
            figures = asyncio.run(_start(url, settle))
        result.update({f"{label}_{k}": v for k, v in figures.items()})
    return result


if __name__ == "__main__":
    print(run())
