"""The process and its surroundings failing: kill -9 in the middle of a fan-out, the database
locked or gone during dispatch, days of downtime, a holiday file missing for the coming year.

The kill test runs the real ``python -m bot run`` against the emulator in this process and a
database file both share; it counts every reminder from Telegram's side and the outbox's.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import logging
import os
import sqlite3
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlmodel import col, select

from bot.cli.schedules import run_check
from bot.clock import FakeClock
from bot.demo.harness import DEMO_TOKEN, LocalBot, emulator_for, local_bot
from bot.emulator import BotApiEmulator
from bot.paths import schedules_dir
from bot.scheduling import JobQueueScheduler
from bot.services.reminders.dispatcher import OutgoingReminder
from bot.store.models import OccurrenceRow
from tests.conftest import local
from tests.fakes.pg_cluster import Cluster
from tests.fakes.process import LineReader
from tests.reliability.support import (
    confirm_buttons,
    duplicates,
    lost,
    outbox_by_chat,
    registered_group,
    seed_due_reminders,
    states,
)

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


# --- the database locked or gone ----------------------------------------------------------

DUE = local(2026, 12, 2, 9, 0)


def _scheduler(bot: LocalBot) -> JobQueueScheduler:
    """The JobQueue's tick wrapper, run by hand: it is what logs a failed tick."""
    assert bot.app.job_queue is not None
    return JobQueueScheduler(bot.app.job_queue, bot.runtime.tick, 20)


def _lock(path: Path) -> sqlite3.Connection:
    """Another process's write transaction: SQLite lets nobody else write until it ends."""
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    return holder


@pytest.mark.slow  # SQLite's busy_timeout is 5 s
async def test_sqlite_locked_past_the_busy_timeout_costs_one_tick_and_nothing_else(
    tmp_path: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture, tally: Counter[str]
) -> None:
    path = tmp_path / "bot.db"
    async with local_bot(database_url=f"sqlite:///{path}", clock=clock) as bot:
        group = await registered_group(bot, "某某化工有限公司")
        before = len(bot.emulator.sent(group.chat_id))
        holder = _lock(path)
        try:
            bot.clock.set(DUE)
            with caplog.at_level(logging.ERROR, logger="bot.scheduling.jobs"):
                await _scheduler(bot).run_tick()  # waits out busy_timeout (5 s), then gives up
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        [line] = [r.getMessage() for r in caplog.records if r.name == "bot.scheduling.jobs"]
        assert "database unavailable" in line and "locked" in line and "nothing is lost" in line
        assert len(bot.emulator.sent(group.chat_id)) == before
        assert states(bot)["claimed"] == 0  # the claim never happened: nothing waits for a lease
        await _scheduler(bot).run_tick()
        assert confirm_buttons(bot, group.chat_id)
        tally["faults"] += 1
        tally["lost"] += lost(bot, bot.clock.now())
        assert lost(bot, bot.clock.now()) == 0 and duplicates(bot, [group.chat_id]) == 0


async def test_sqlite_locked_briefly_the_tick_waits_and_delivers(
    tmp_path: Path, clock: FakeClock, tally: Counter[str]
) -> None:
    path = tmp_path / "bot.db"
    async with local_bot(database_url=f"sqlite:///{path}", clock=clock) as bot:
        group = await registered_group(bot, "某某化工有限公司")
        held = threading.Event()

        def hold_for_a_moment() -> None:  # another process writing for 300 ms
            holder = _lock(path)
            held.set()
            time.sleep(0.3)
            holder.execute("ROLLBACK")
            holder.close()

        thread = threading.Thread(target=hold_for_a_moment)
        thread.start()
        held.wait(10)
        report = await bot.tick_at(DUE)  # busy_timeout: SQLite waits for the lock
        thread.join()
        assert report.sent > 0 and report.retried == 0
        tally["faults"] += 1
        assert lost(bot, bot.clock.now()) == 0 and duplicates(bot, [group.chat_id]) == 0


@pytest.mark.slow
async def test_postgresql_restarted_during_dispatch_loses_nothing(
    clock: FakeClock, caplog: pytest.LogCaptureFixture, tally: Counter[str]
) -> None:
    if not os.environ.get("DATABASE_URL_PG"):
        pytest.skip("DATABASE_URL_PG not set (no PostgreSQL server)")
    cluster = Cluster()
    if not cluster.pg_ctl:
        pytest.skip("no PostgreSQL binaries")
    await cluster.create()
    try:
        async with local_bot(database_url=cluster.url, clock=clock) as bot:
            groups = [await registered_group(bot, f"企业{i}") for i in range(3)]
            chats = [g.chat_id for g in groups]
            ticker = _scheduler(bot)
            # 1. Down when the tick comes: the tick fails in one line, nothing is claimed.
            await cluster.stop()
            bot.clock.set(DUE)
            with caplog.at_level(logging.ERROR, logger="bot.scheduling.jobs"):
                await ticker.run_tick()
            assert "database unavailable" in caplog.text and "nothing is lost" in caplog.text
            assert not any(confirm_buttons(bot, c) for c in chats)
            await cluster.start()
            await ticker.run_tick()
            assert all(confirm_buttons(bot, c) for c in chats)
            assert duplicates(bot, chats) == 0
            # 2. Gone between Telegram's answer and the record: the crash window.
            notifier = bot.runtime.dispatcher.notifier  # type: ignore[union-attr]
            send = notifier.send_reminder
            stopped = asyncio.Lock()

            async def send_then_lose_the_database(outgoing: OutgoingReminder) -> int:
                message_id = await send(outgoing)
                async with stopped:
                    if cluster_up[0]:
                        await cluster.stop()
                        cluster_up[0] = False
                return message_id

            cluster_up = [True]
            notifier.send_reminder = send_then_lose_the_database  # type: ignore[method-assign]
            nextday = local(2026, 12, 3, 9, 0)
            bot.clock.set(nextday)
            await ticker.run_tick()
            notifier.send_reminder = send  # type: ignore[method-assign]
            await cluster.start()
            in_flight = duplicates(bot, chats)  # sent, never recorded
            assert 0 < in_flight <= len(chats)
            await bot.tick_at(nextday + dt.timedelta(minutes=1))  # claims still leased
            assert duplicates(bot, chats) == in_flight
            lease = dt.timedelta(seconds=bot.ctx.settings.claim_lease_seconds)
            await bot.tick_at(nextday + lease + dt.timedelta(seconds=1))
            tally["faults"] += 2
            tally["duplicates"] += in_flight
            tally["lost"] += lost(bot, bot.clock.now())
            assert lost(bot, bot.clock.now()) == 0 and states(bot)["claimed"] == 0
            for chat_id in chats:  # every reminder of the day arrived, at most twice
                assert 1 <= max(confirm_buttons(bot, chat_id).values()) <= 2
    finally:
        await cluster.destroy()


# --- the clock ----------------------------------------------------------------------------


async def test_after_days_of_downtime_each_chat_gets_one_catch_up_digest(
    database_url: str, clock: FakeClock, tally: Counter[str]
) -> None:
    emulator = emulator_for(clock)
    await emulator.start()
    try:
        async with local_bot(database_url=database_url, clock=clock, emulator=emulator) as bot:
            groups = [await registered_group(bot, f"企业{i}") for i in range(3)]
            chats = [g.chat_id for g in groups]
            await bot.tick_at(local(2026, 12, 1, 9, 0))
        before = {c: emulator.cursor(c) for c in chats}
        # down from the 1st at 09:00 until the 8th at 10:00: a week of reminders came due
        async with local_bot(database_url=database_url, clock=clock, emulator=emulator) as bot:
            report = await bot.tick_at(local(2026, 12, 8, 10, 0))
            again = await bot.tick_at(local(2026, 12, 8, 10, 1))
            new = {c: [m for m in emulator.sent(c) if m.message_id > before[c]] for c in chats}
            assert all(len(messages) == 1 for messages in new.values()), new
            for [digest] in new.values():
                assert "无法发言期间" in (digest.text or "")  # "while I could not post here"
                assert max(Counter(cb for _, cb in digest.buttons() if cb).values()) == 1
            assert report.superseded > 0 and report.messages == 3
            assert again.messages == 0
            tally["faults"] += 1
            tally["lost"] += lost(bot, bot.clock.now())
            assert lost(bot, bot.clock.now()) == 0 and duplicates(bot, chats) == 0
    finally:
        await emulator.stop()


def test_schedules_check_warns_in_q4_when_next_years_holidays_are_missing(
    tally: Counter[str],
) -> None:
    """The shipped data end with 2026 (chinese-calendar too): from October on, the check says
    so, naming the folder and the file to add there; it is a warning (exit 0), and nothing
    before Q4."""
    out = io.StringIO()
    assert run_check(schedules_dir(), out, today=dt.date(2026, 12, 1), locale="en") == 0
    assert "for 2027" in out.getvalue() and "cn-2027.yaml" in out.getvalue()
    assert f"{schedules_dir() / 'holidays'}/: warning" in out.getvalue()
    out = io.StringIO()
    assert run_check(schedules_dir(), out, today=dt.date(2026, 6, 1), locale="en") == 0
    assert "warning:" not in out.getvalue()
    tally["faults"] += 1


async def test_without_holiday_data_the_bot_warns_at_start_and_runs_through_new_year(
    tmp_path: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture, tally: Counter[str]
) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.bootstrap"):
        async with local_bot(database_url=f"sqlite:///{tmp_path}/bot.db", clock=clock) as bot:
            warnings = [r.getMessage() for r in caplog.records if r.name == "bot.bootstrap"]
            assert any("no holiday notice for 2027" in w for w in warnings), warnings
            group = await registered_group(bot, "某某化工有限公司")
            day = dt.date(2026, 12, 28)
            while day <= dt.date(2027, 1, 8):
                await bot.tick_at(local(day.year, day.month, day.day, 9, 0))
                day += dt.timedelta(days=1)
            with bot.ctx.session() as s:
                daily = s.exec(
                    select(OccurrenceRow.window_start).where(
                        OccurrenceRow.obligation_id == "daily-control",
                        col(OccurrenceRow.window_start) >= dt.date(2027, 1, 1),
                    )
                ).all()
            assert daily and all(d.weekday() < 5 for d in daily)  # weekends stay off
            assert dt.date(2027, 1, 1) not in daily  # 元旦: computed without the notice
            assert confirm_buttons(bot, group.chat_id)
            tally["faults"] += 1
            assert lost(bot, bot.clock.now()) == 0
