"""How the dispatcher paces a morning: back after a 429's ``retry_after`` (not at the next tick),
due items before lead-time ones across overlapping waves, one message per group.

The order test seeds the outbox in bulk (a morning of many groups without a ``/setup`` each) and
lets the dispatcher claim two groups a wave, so that waves overlap (the next one is claimed
while the previous one is still being sent).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter

from sqlalchemy import select
from sqlmodel import SQLModel

from bot.clock import FakeClock
from bot.demo.harness import LocalBot, local_bot
from bot.scheduling.jobs import WAKE_JOB, JobQueueScheduler
from tests.conftest import local
from tests.fakes.group import group_with_bot

DUE = local(2026, 12, 2, 9, 0)


class RecordingScheduler:
    """What the runtime asked its scheduler for: ``wake(after)`` calls, in seconds."""

    def __init__(self) -> None:
        self.wakes: list[float] = []

    def start(self) -> None:
        """Nothing to start: the test ticks."""

    def wake(self, after: float = 0.0) -> None:
        self.wakes.append(after)


async def test_a_429_brings_the_dispatcher_back_after_retry_after_not_at_the_next_tick(
    bot: LocalBot,
) -> None:
    throttled = await group_with_bot(bot)
    await throttled.setup()
    other = await group_with_bot(bot)
    await other.setup(name="另一家化工有限公司")
    scheduler = RecordingScheduler()
    bot.runtime.scheduler = scheduler
    bot.emulator.inject_error(
        "sendMessage", error_code=429, description="Too Many Requests: retry after 7",
        retry_after=7, chat_id=throttled.chat_id,
    )  # fmt: skip
    before = len(bot.emulator.sent(throttled.chat_id))
    report = await bot.tick_at(DUE)
    assert report.throttled > 0 and report.messages == 1  # the other group got its digest
    assert len(bot.emulator.sent(throttled.chat_id)) == before
    # Back when Telegram said, not in DISPATCH_INTERVAL_SECONDS (20 s). (The wakes at 0 s
    # are /setup's: it asks for a tick at once.)
    assert [after for after in scheduler.wakes if after] == [7.0]
    report = await bot.tick_at(DUE + dt.timedelta(seconds=7.001))  # what that wake runs
    assert report.messages == 1 and report.throttled == 0
    assert any(m.buttons() for m in bot.emulator.sent(throttled.chat_id))
    assert [after for after in scheduler.wakes if after] == [7.0]  # nothing more to wait for


async def test_the_job_queue_runs_a_wake_when_asked_and_not_twice(bot: LocalBot) -> None:
    assert bot.app.job_queue is not None
    ticks: list[str] = []
    ran = asyncio.Event()

    async def tick() -> None:
        ticks.append("tick")
        ran.set()

    scheduler = JobQueueScheduler(bot.app.job_queue, tick, 20)
    scheduler.wake(30)
    scheduler.wake(60)  # one is due sooner: nothing added
    [later] = bot.app.job_queue.get_jobs_by_name(WAKE_JOB)
    assert later.next_t is not None
    in_30_s = later.next_t - dt.datetime.now(dt.UTC)
    assert dt.timedelta(seconds=25) < in_30_s <= dt.timedelta(seconds=30)
    scheduler.wake()  # now: sooner than the one waiting, so it runs
    await asyncio.wait_for(ran.wait(), timeout=10)
    assert ticks == ["tick"]
    later.schedule_removal()


def seed_morning(bot: LocalBot, chat_ids: list[int], lead_only: set[int]) -> None:
    """One enterprise per chat: ``lead_only`` chats have a duty due in a week (a lead-time
    reminder fired an hour ago), the others one due today (fired a minute ago) and the same
    lead-time one. Lead-only chats have the older reminders, so age alone would send them first."""
    tables = SQLModel.metadata.tables
    now = bot.clock.now()
    today = DUE.date()
    with bot.ctx.engine.begin() as conn:
        conn.execute(
            tables["enterprise"].insert(),
            [
                {"chat_id": c, "name": f"企业{i}", "sector": "hazardous_chemicals",
                 "high_risk": True, "region": "all", "timezone": "Asia/Shanghai",
                 "locale": "zh_CN", "active": True, "created_by": 1001,
                 "created_at": now - dt.timedelta(days=1),
                 "materialized_until": dt.date(2099, 1, 1)}
                for i, c in enumerate(chat_ids)
            ],
        )  # fmt: skip
        ent = tables["enterprise"]
        ids = {c: i for c, i in conn.execute(select(ent.c.chat_id, ent.c.id))}
        duties = [("weekly-check", now + dt.timedelta(days=7), "lead-7", dt.timedelta(hours=1))]
        urgent = [("daily-control", now + dt.timedelta(hours=8), "due", dt.timedelta(minutes=1))]
        occurrences, kinds = [], {}
        for chat in chat_ids:
            for obligation, due_at, kind, ago in duties + ([] if chat in lead_only else urgent):
                key = f"{obligation}/-/{today}"
                occurrences.append(
                    {"enterprise_id": ids[chat], "key": key, "obligation_id": obligation,
                     "area": None, "label": str(today), "window_start": today,
                     "window_end": due_at.date(), "due_at": due_at, "quota": 1, "status": "open"}
                )  # fmt: skip
                kinds[(ids[chat], key)] = (kind, now - ago)
        conn.execute(tables["occurrence"].insert(), occurrences)
        occ = tables["occurrence"]
        rows = conn.execute(select(occ.c.id, occ.c.enterprise_id, occ.c.key)).all()
        conn.execute(
            tables["reminder"].insert(),
            [
                {"occurrence_id": o, "enterprise_id": e, "kind": kinds[(e, key)][0],
                 "fire_at": kinds[(e, key)][1], "state": "pending", "attempts": 0}
                for o, e, key in rows
            ],
        )  # fmt: skip


async def test_due_items_go_out_before_lead_time_ones_across_overlapping_waves(
    bot: LocalBot,
) -> None:
    emu = bot.emulator
    chat_ids = []
    for n in range(12):
        chat = emu.create_group(f"企业群{n}")
        emu.store.chats[chat["id"]].bot_status = "member"  # the bot is in every group
        chat_ids.append(int(chat["id"]))
    lead_only = set(chat_ids[::2])  # interleaved with the others
    bot.clock.set(DUE)
    seed_morning(bot, chat_ids, lead_only)
    dispatcher = bot.runtime.dispatcher
    assert dispatcher is not None
    dispatcher.batch, dispatcher.concurrency = 2, 2  # six waves, each claimed ahead
    first = len(emu.calls)
    report = await bot.tick()
    sends = [c for c in emu.calls[first:] if c.method == "sendMessage" and c.ok]
    order = [int(c.params["chat_id"]) for c in sends]
    assert report.messages == 12 and Counter(order) == Counter(chat_ids)  # one each
    urgent = [n for n, chat in enumerate(order) if chat not in lead_only]
    lead = [n for n, chat in enumerate(order) if chat in lead_only]
    assert max(urgent) < min(lead), order
    for chat in set(chat_ids) - lead_only:  # the due item and the lead-time one, in one digest
        [message] = emu.sent(chat)
        assert len([cb for _, cb in message.buttons() if (cb or "").startswith("cf:")]) == 2


async def test_a_tick_out_of_time_keeps_its_next_wave_claimed_and_a_stop_hands_it_back(
    database_url: str, clock: FakeClock
) -> None:
    """A tick may not run past the next one: it ends with the next wave claimed (the next tick,
    asked for at once, starts sending it without waiting for a claim). A stop in between
    gives that wave back to the outbox rather than leaving it to the lease."""
    async with local_bot(
        database_url=database_url, clock=clock, dispatch_interval_seconds=1e-9
    ) as bot:
        emu = bot.emulator
        chat_ids = []
        for n in range(6):
            chat = emu.create_group(f"企业群{n}")
            emu.store.chats[chat["id"]].bot_status = "member"
            chat_ids.append(int(chat["id"]))
        bot.clock.set(DUE)
        seed_morning(bot, chat_ids, set())
        dispatcher = bot.runtime.dispatcher
        assert dispatcher is not None
        dispatcher.batch = 2
        scheduler = RecordingScheduler()
        bot.runtime.scheduler = scheduler
        report = await bot.tick()
        assert report.backlog and report.messages == 2 and scheduler.wakes == [0.0]
        assert claimed(bot) == 2  # the next wave: two groups, held for the next tick
        report = await bot.tick()  # what the wake runs
        assert report.messages == 2 and claimed(bot) == 2
        await bot.runtime.close()
        assert claimed(bot) == 0  # handed back, not left for the lease
        assert sum(1 for c in chat_ids if emu.sent(c)) == 4


def claimed(bot: LocalBot) -> int:
    """Groups whose reminders are claimed right now."""
    r = SQLModel.metadata.tables["reminder"]
    with bot.ctx.engine.connect() as conn:
        rows = conn.execute(select(r.c.enterprise_id).where(r.c.state == "claimed")).all()
    return len({e for (e,) in rows})


async def test_the_start_up_tick_sends_one_wave_and_leaves_the_backlog_to_the_scheduler(
    bot: LocalBot,
) -> None:
    """``safetybot run`` takes updates after one wave (``tick(waves=1)``), not after the whole
    morning: the rest follows from the scheduler, woken at once, and nothing is left out."""
    emu = bot.emulator
    chat_ids = []
    for n in range(5):
        chat = emu.create_group(f"企业群{n}")
        emu.store.chats[chat["id"]].bot_status = "member"
        chat_ids.append(int(chat["id"]))
    bot.clock.set(DUE)
    seed_morning(bot, chat_ids, set())
    dispatcher = bot.runtime.dispatcher
    assert dispatcher is not None
    dispatcher.batch = 2
    scheduler = RecordingScheduler()
    bot.runtime.scheduler = scheduler
    report = await bot.runtime.tick(waves=1)
    assert report.backlog and report.messages == 2 and scheduler.wakes == [0.0]
    report = await bot.runtime.tick()  # what the wake runs
    assert report.messages == 3 and not report.backlog
    assert all(len(emu.sent(c)) == 1 for c in chat_ids)
