"""A graceful stop in the middle of a morning backlog: it does not wait for the backlog.

The dispatcher stops between waves and between chats: the sends in flight finish and are
recorded, everything claimed but not yet sent goes back to the outbox at once, and the next
start sends it, each group's reminder exactly once. Counted from both sides, what Telegram
(the emulator) received and what the outbox recorded, in process and through ``safetybot run``
and SIGTERM (with the shipped rate limit, so the backlog outlasts the stop by far).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import sys
from collections import Counter
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.demo.harness import DEMO_TOKEN, emulator_for, local_bot
from bot.emulator import BotApiEmulator
from tests.fakes.process import LineReader
from tests.reliability.support import duplicates, lost, outbox_by_chat, seed_due_reminders, states

GROUPS = 12


def groups(emu: BotApiEmulator, count: int) -> list[int]:
    chats = []
    for i in range(count):
        chat = emu.create_group(f"安全群{i}")
        emu.store.chats[chat["id"]].bot_status = "member"  # the bot is in every group
        chats.append(int(chat["id"]))
    return chats


def posts(emu: BotApiEmulator, chats: list[int]) -> Counter[int]:
    return Counter({c: len(emu.sent(c)) for c in chats if emu.sent(c)})


async def test_a_stop_mid_backlog_finishes_the_send_in_flight_and_hands_back_the_rest(
    database_url: str, clock: FakeClock, tally: Counter[str]
) -> None:
    emu = emulator_for(clock)
    async with emu:
        chats = groups(emu, GROUPS)
        seed_due_reminders(database_url, chats, clock.now())
        async with local_bot(database_url=database_url, clock=clock, emulator=emu) as bot:
            dispatcher = bot.runtime.dispatcher
            assert dispatcher is not None
            dispatcher.batch, dispatcher.concurrency = 4, 2  # three waves, two chats at a time
            hold = emu.hold_sends(times=1)  # Telegram holds the first send: it is in flight
            tick = asyncio.create_task(bot.runtime.tick())
            await emu.wait_for(lambda: hold.waiting == 1)
            bot.runtime.halt()  # SIGTERM
            hold.release()
            await bot.runtime.close()
            report = await tick
            assert await bot.runtime.tick() == type(report)()  # no tick after the stop
            in_flight = int(hold.chat_ids[0])  # type: ignore[call-overload]
            assert emu.sent(in_flight) and 0 < report.messages < GROUPS
            assert report.messages == len(posts(emu, chats)) == report.sent
            assert states(bot)["claimed"] == 0  # nothing waits for a lease to run out
            assert states(bot)["pending"] == GROUPS - report.sent
            assert duplicates(bot, chats) == 0  # every message Telegram got is recorded
        async with local_bot(database_url=database_url, clock=clock, emulator=emu) as bot:
            await bot.tick()  # the next start: the rest, once
            assert posts(emu, chats) == Counter(dict.fromkeys(chats, 1))
            assert lost(bot, clock.now()) == 0 and duplicates(bot, chats) == 0
    tally["faults"] += 1


def _env(emu: BotApiEmulator, database_url: str, *, lifted: bool) -> dict[str, str]:
    inherited = ("TELEGRAM_", "WEBHOOK_", "DATABASE_URL", "CLAIM_", "DISPATCH_", "RATE_LIMIT_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(inherited)}
    env |= {
        "TELEGRAM_BOT_TOKEN": DEMO_TOKEN,
        "TELEGRAM_API_BASE_URL": emu.base_url,
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
    }
    if lifted:  # the restart drains the rest quickly
        env |= {"RATE_LIMIT_OVERALL_PER_SECOND": "100000", "DISPATCH_INTERVAL_SECONDS": "1"}
    return env


async def _run(
    emu: BotApiEmulator, database_url: str, cwd: Path, *, lifted: bool
) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run",
        cwd=cwd, env=_env(emu, database_url, lifted=lifted), stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


def _accepted(emu: BotApiEmulator) -> int:
    return sum(1 for c in emu.calls if c.method == "sendMessage" and c.ok)


@pytest.mark.slow
async def test_sigterm_mid_backlog_exits_with_the_rest_handed_back(
    database_url: str, tmp_path: Path, tally: Counter[str]
) -> None:
    """``safetybot run`` with the shipped pacing (29/s): 300 groups would take ten seconds;
    SIGTERM after the first 20 messages. (The time the stop takes is figure 5 of the
    benchmarks, with 100,000 due reminders.)"""
    backlog = 300
    async with BotApiEmulator(enforce_limits=True) as emu:
        chats = groups(emu, backlog)
        seed_due_reminders(database_url, chats, dt.datetime.now(dt.UTC))
        first = await _run(emu, database_url, tmp_path, lifted=False)
        assert first.stderr is not None
        log = LineReader(first.stderr)
        try:
            await emu.wait_for(lambda: _accepted(emu) >= 20, timeout=120)
            first.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(first.wait(), 60) == 0
        finally:
            if first.returncode is None:
                first.kill()
                await first.wait()
        lines = await log.finish()
        at_stop = outbox_by_chat(database_url)
        posted = posts(emu, chats)
        recorded = {c for c, (state, _) in at_stop.items() if state == "sent"}
        assert set(posted) == recorded and set(posted.values()) == {1}, lines[-20:]
        assert Counter(state for state, _ in at_stop.values()) == {
            "sent": len(recorded),
            "pending": backlog - len(recorded),  # handed back, not left claimed
        }
        assert len(recorded) < backlog / 2  # it stopped; it did not drain the backlog first

        second = await _run(emu, database_url, tmp_path, lifted=True)
        try:
            await emu.wait_for(lambda: all(emu.sent(c) for c in chats), timeout=120)
            second.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(second.wait(), 60) == 0
        finally:
            if second.returncode is None:
                second.kill()
                await second.wait()
        assert posts(emu, chats) == Counter(dict.fromkeys(chats, 1))
        assert {state for state, _ in outbox_by_chat(database_url).values()} == {"sent"}
    tally["faults"] += 1
