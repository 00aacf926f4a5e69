"""Figure 2, updates: a burst of ✅ presses on posted reminders, handled by the real bot.

Each of ``chats`` groups has ``people`` members and one posted digest of ``items`` duties;
every member presses every ✅ once, all presses queued at once (1,000 users × 5 = 5,000 by
default). The first press of an item confirms it (answer, edit of the reminder, evidence
prompt), the others are answered "already confirmed". Handling latency is the time PTB
spends on one update (one at a time, PTB's default); throughput is presses per second from
the burst to the last update handled. The baseline is a bare PTB application answering the
same callback queries with no database work.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from bench.common import (
    NOW,
    TimedUpdates,
    World,
    bare_application,
    make_chats,
    median,
    percentile,
    profiled,
    seed_enterprises,
    seed_reminders,
    sqlite_url,
)
from bot.clock import FakeClock
from bot.demo.harness import local_bot
from bot.emulator import BotApiEmulator

Press = tuple[int, dict[str, Any], int, str]  # chat, person, message id, callback data


def _presses(emu: BotApiEmulator, world: World) -> list[Press]:
    """Round after round: every chat's k-th member presses each ✅ of the chat's digest."""
    buttons = {}
    for chat in world.chat_ids:
        digest = emu.sent(chat)[-1]
        buttons[chat] = (
            digest.message_id,
            [d for _, d in digest.buttons() if d and d[:3] == "cf:"],
        )
    rounds = max(len(p) for p in world.people.values())
    return [
        (chat, world.people[chat][k], buttons[chat][0], data)
        for k in range(rounds)
        for chat in world.chat_ids
        for data in buttons[chat][1]
    ]


async def _burst(
    emu: BotApiEmulator, timer: TimedUpdates, presses: list[Press]
) -> tuple[float, float]:
    """Queue every press at once; (wall, CPU) seconds until the last one was handled."""
    handled = len(timer.seconds)
    started, cpu = time.perf_counter(), time.process_time()
    for chat, person, message_id, data in presses:
        emu.press_raw({"id": chat}, person, message_id, data)
    await timer.wait_for(handled + len(presses))
    return time.perf_counter() - started, time.process_time() - cpu


async def _answer(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer("✅")


async def _bare(emu: BotApiEmulator, presses: list[Press]) -> dict[str, Any]:
    timer = TimedUpdates()
    app: Application = bare_application(emu, timer)  # type: ignore[type-arg]
    app.add_handler(CallbackQueryHandler(_answer))
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(
        poll_interval=0, timeout=1, drop_pending_updates=True, allowed_updates=Update.ALL_TYPES
    )
    try:
        seconds, cpu = await _burst(emu, timer, presses)
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
    return {"seconds": seconds, "cpu": cpu, "latencies": timer.seconds}


async def _run(
    *, chats: int, people: int, items: int, bare: bool, profile: list[str] | None
) -> dict[str, Any]:
    clock = FakeClock(NOW)
    emu = BotApiEmulator(now=lambda: clock.now().timestamp())
    await emu.start()
    try:
        with sqlite_url() as url:
            async with local_bot(database_url=url, clock=clock, emulator=emu) as lb:
                world = make_chats(emu, chats, people)
                ids = seed_enterprises(lb.ctx.engine, world.chat_ids, now=NOW)
                seed_reminders(lb.ctx.engine, ids, now=NOW, items=items, lead=0)
                await lb.tick()  # post the digests
                presses = _presses(emu, world)
                timer = TimedUpdates()
                lb.app._update_processor = timer  # type: ignore[misc] # time each update as PTB runs it
                calls = len(emu.calls)
                if profile is not None:
                    with profiled(profile):
                        seconds, cpu = await _burst(emu, timer, presses)
                else:
                    seconds, cpu = await _burst(emu, timer, presses)
                api_calls = len(emu.calls) - calls
        ours = timer.seconds[-len(presses) :]
        result: dict[str, Any] = {
            "presses": len(presses),
            "users": chats * people,
            "seconds": seconds,
            "cpu_seconds": cpu,
            "updates_per_s": len(presses) / seconds,
            "p50_ms": median(ours) * 1000,
            "p99_ms": percentile(ours, 0.99) * 1000,
            "max_ms": max(ours) * 1000,
            "api_calls_per_update": api_calls / len(presses),
        }
        if bare:
            base = await _bare(emu, presses)
            result["bare_updates_per_s"] = len(presses) / base["seconds"]
            result["bare_p50_ms"] = median(base["latencies"]) * 1000
            result["bare_p99_ms"] = percentile(base["latencies"], 0.99) * 1000
            result["ratio"] = base["seconds"] / seconds
            result["cpu_ratio"] = base["cpu"] / cpu
        return result
    finally:
        await emu.stop()


def run(
    *,
    chats: int = 200,
    people: int = 5,
    items: int = 5,
    bare: bool = True,
    profile: list[str] | None = None,
) -> dict[str, Any]:
    """The burst: ``chats × people`` users, each pressing the ``items`` ✅ of their digest."""
    return asyncio.run(_run(chats=chats, people=people, items=items, bare=bare, profile=profile))


if __name__ == "__main__":
    print(run(chats=40))
