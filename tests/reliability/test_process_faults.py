"""The process and its surroundings failing: kill -9 in the middle of a fan-out, the database
locked or gone during dispatch, days of downtime, a holiday file missing for the coming year.

The kill test runs the real ``python -m bot run`` against the emulator in this process and a
database file both share; it counts every reminder from Telegram's side and the outbox's.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import sys
from collections import Counter
from pathlib import Path

import pytest

from bot.demo.harness import DEMO_TOKEN
from bot.emulator import BotApiEmulator
from tests.fakes.process import LineReader
from tests.reliability.support import outbox_by_chat, seed_due_reminders

FANOUT = 2000
KILL_AFTER = 600  # messages Telegram has received when the process is killed


def _env(emu: BotApiEmulator, database_url: str) -> dict[str, str]:
    inherited = ("TELEGRAM_", "WEBHOOK_", "DATABASE_URL", "CLAIM_", "DISPATCH_", "RATE_LIMIT_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(inherited)}
    return env | {
        "TELEGRAM_BOT_TOKEN": DEMO_TOKEN,
        "TELEGRAM_API_BASE_URL": emu.base_url,
        "DATABASE_URL": database_url,
        "CLAIM_LEASE_SECONDS": "10",  # the shortest lease allowed: the restart waits it out
        "DISPATCH_INTERVAL_SECONDS": "1",
        "RATE_LIMIT_GROUP_PER_MINUTE": "100000",
        "RATE_LIMIT_OVERALL_PER_SECOND": "100000",
        "LOG_LEVEL": "WARNING",
    }


async def _start(emu: BotApiEmulator, database_url: str, cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run",
        cwd=cwd, env=_env(emu, database_url), stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


def _sends(emu: BotApiEmulator) -> int:
    return sum(1 for c in emu.calls if c.method == "sendMessage" and c.ok)


@pytest.mark.slow
async def test_kill_9_during_a_fan_out_loses_nothing_and_duplicates_only_what_was_in_flight(
    database_url: str, tmp_path: Path, tally: Counter[str], capsys: pytest.CaptureFixture[str]
) -> None:
    async with BotApiEmulator() as emu:
        chats = []
        for i in range(FANOUT):
            chat = emu.create_group(f"安全群{i}")
            emu.store.chats[chat["id"]].bot_status = "member"  # the bot is in every group
            chats.append(int(chat["id"]))
        seed_due_reminders(database_url, chats, dt.datetime.now(dt.UTC))

        first = await _start(emu, database_url, tmp_path)
        assert first.stderr is not None
        log = LineReader(first.stderr)
        try:
            await emu.wait_for(lambda: _sends(emu) >= KILL_AFTER, timeout=120)
        finally:
            first.kill()  # SIGKILL: no shutdown, no release of claims, mid-wave
            await first.wait()
        await log.finish()
        at_kill = outbox_by_chat(database_url)
        posted = {c for c in chats if emu.sent(c)}
        recorded = {c for c, (state, _) in at_kill.items() if state == "sent"}
        in_flight = posted - recorded  # Telegram has them, the database does not know
        claimed = Counter(state for state, _ in at_kill.values())["claimed"]
        assert posted and recorded <= posted and len(posted) < FANOUT

        second = await _start(emu, database_url, tmp_path)
        assert second.stderr is not None
        log = LineReader(second.stderr)
        try:
            await emu.wait_for(
                lambda: (
                    all(emu.sent(c) for c in chats)
                    and all(len(emu.sent(c)) >= 2 for c in in_flight)
                ),
                timeout=120,
            )
            second.terminate()  # graceful: finishes the wave, hands back its claims
            assert await asyncio.wait_for(second.wait(), 60) == 0
        finally:
            if second.returncode is None:
                second.kill()
                await second.wait()
        lines = await log.finish()
        final = outbox_by_chat(database_url)

    lost = [c for c in chats if not emu.sent(c)]
    unsent = [c for c, (state, _) in final.items() if state != "sent"]
    posts = sum(len(emu.sent(c)) for c in chats)
    duplicates = posts - FANOUT
    tally["faults"] += 1
    tally["lost"] += len(lost)
    tally["duplicates"] += duplicates
    with capsys.disabled():
        print(
            f"\nkill -9 after {KILL_AFTER} of {FANOUT}: claimed at the kill={claimed}, "
            f"delivered but unrecorded={len(in_flight)}, lost={len(lost)}, duplicates={duplicates}"
        )
    assert lost == [] and unsent == [], lines[-20:]
    assert duplicates == len(in_flight)  # exactly the documented window, one per send in flight
    for chat_id in chats:  # the re-send is recorded, so nothing goes out a third time
        assert final[chat_id][1] == emu.sent(chat_id)[-1].message_id
