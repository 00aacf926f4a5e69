"""Figure 2, updates: a burst of ✅ presses on posted reminders, handled by the real bot.

Each of ``chats`` groups has ``people`` members and one posted digest of ``items`` duties;
every member presses every ✅ once, all presses queued at once (1,000 users × 5 = 5,000 by
default). The first press of an item confirms it (answer, edit of the digest, maybe an
evidence prompt), the others are answered "already confirmed". Handling latency is the time
PTB spends on one update (one at a time, PTB's default); throughput is presses per second
from the burst to the last update handled.

The baseline is a bare PTB application with no database that makes **the same API calls**:
each press of ours is recorded (answer with its text, the edit with its text and keyboard,
the prompt), and the bare handler replays them for the same press on a copy of the same
digest. Ours and the bare run alternate ``rounds`` times (each of ours on a fresh world);
the figures are the medians.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

from telegram import ForceReply, InlineKeyboardMarkup, ReplyParameters, Update
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
from bot.emulator import ApiCall, BotApiEmulator

Press = tuple[int, dict[str, Any], int, str]  # chat, person, message id, callback data
Key = tuple[int, int, str]  # who pressed, on which message, which button
Digest = tuple[int, str, dict[str, Any] | None]  # message id, text, keyboard as posted


class RecordedUpdates(TimedUpdates):
    """``TimedUpdates`` that also keeps the Bot API calls each press made."""

    def __init__(self, emu: BotApiEmulator) -> None:
        super().__init__()
        self.emu = emu
        self.calls: dict[Key, list[ApiCall]] = {}

    async def do_process_update(self, update: object, coroutine: Any) -> None:
        first = len(self.emu.calls)
        await super().do_process_update(update, coroutine)
        query = update.callback_query if isinstance(update, Update) else None
        if query is not None and query.message is not None and query.data is not None:
            made = [c for c in self.emu.calls[first:] if c.method != "getUpdates"]
            self.calls[(query.from_user.id, query.message.message_id, query.data)] = made


def _digests(emu: BotApiEmulator, world: World) -> dict[int, Digest]:
    """Each chat's posted digest as sent (text and keyboard), before anyone pressed."""
    sent = {int(c.params["chat_id"]): c for c in emu.calls if c.method == "sendMessage" and c.ok}
    return {
        chat: (
            emu.sent(chat)[-1].message_id,
            str(sent[chat].params["text"]),
            sent[chat].params.get("reply_markup"),
        )
        for chat in world.chat_ids
    }


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


def _markup(raw: dict[str, Any] | None) -> InlineKeyboardMarkup | ForceReply | None:
    if not raw:
        return None
    if "inline_keyboard" in raw:
        return InlineKeyboardMarkup.de_json(raw, None)
    return ForceReply.de_json(raw, None)


async def _replay(update: Update, calls: list[ApiCall]) -> None:
    """Make ``calls`` again for this press (on this chat's copy of the digest)."""
    query = update.callback_query
    assert query is not None and query.message is not None
    bot, chat, copy = query.get_bot(), query.message.chat.id, query.message.message_id
    for call in calls:
        p = call.params
        if call.method == "answerCallbackQuery":
            await query.answer(p.get("text"), show_alert=bool(p.get("show_alert")))
        elif call.method == "editMessageText":
            markup = _markup(p.get("reply_markup"))
            assert not isinstance(markup, ForceReply)
            await bot.edit_message_text(p["text"], chat, copy, reply_markup=markup)
        elif call.method == "sendMessage":
            reply = ReplyParameters(copy) if p.get("reply_parameters") else None
            await bot.send_message(
                chat,
                p["text"],
                reply_markup=_markup(p.get("reply_markup")),
                reply_parameters=reply,
                disable_notification=p.get("disable_notification"),
            )
        else:  # anything else ours did, as it did it (on the copy)
            args = {k: v for k, v in p.items() if k not in ("chat_id", "message_id")}
            await bot.do_api_request(call.method, api_kwargs={**args, "chat_id": chat})


async def _bare(
    emu: BotApiEmulator, presses: list[Press], digests: dict[int, Digest], calls: dict[Key, Any]
) -> dict[str, Any]:
    """The bare PTB handler replaying our calls, on copies of the digests posted just before."""
    timer = TimedUpdates()
    app: Application = bare_application(emu, timer)  # type: ignore[type-arg]
    original: dict[tuple[int, int], int] = {}

    async def handle(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.message is not None and query.data is not None
        mid = original[(query.message.chat.id, query.message.message_id)]
        await _replay(update, calls[(query.from_user.id, mid, query.data)])

    app.add_handler(CallbackQueryHandler(handle))
    await app.initialize()
    copies: dict[int, int] = {}
    for chat, (mid, text, keyboard) in digests.items():
        copy = await app.bot.send_message(chat, text, reply_markup=_markup(keyboard))
        copies[chat] = copy.message_id
        original[(chat, copy.message_id)] = mid
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(
        poll_interval=0, timeout=1, drop_pending_updates=True, allowed_updates=Update.ALL_TYPES
    )
    try:
        on_copies = [(chat, who, copies[chat], data) for chat, who, _, data in presses]
        calls_before = len(emu.calls)
        seconds, cpu = await _burst(emu, timer, on_copies)
        made = sum(1 for c in emu.calls[calls_before:] if c.method != "getUpdates")
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
    return {"seconds": seconds, "cpu": cpu, "latencies": timer.seconds, "calls": made}


async def _round(
    *, chats: int, people: int, items: int, bare: bool, profile: list[str] | None
) -> dict[str, Any]:
    """Ours on a fresh world, then (``bare``) the bare replay on the same emulator."""
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
                digests, presses = _digests(emu, world), _presses(emu, world)
                timer = RecordedUpdates(emu)
                lb.app._update_processor = timer  # time each update as PTB runs it
                calls = len(emu.calls)
                if profile is not None:
                    with profiled(profile):
                        seconds, cpu = await _burst(emu, timer, presses)
                else:
                    seconds, cpu = await _burst(emu, timer, presses)
                api_calls = sum(1 for c in emu.calls[calls:] if c.method != "getUpdates")
        ours = timer.seconds[-len(presses) :]
        result: dict[str, Any] = {
            "seconds": seconds,
            "cpu_seconds": cpu,
            "p50_ms": median(ours) * 1000,
            "p99_ms": percentile(ours, 0.99) * 1000,
            "max_ms": max(ours) * 1000,
            "api_calls_per_update": api_calls / len(presses),
        }
        if bare:
            base = await _bare(emu, presses, digests, timer.calls)
            result |= {
                "bare_seconds": base["seconds"],
                "bare_cpu_seconds": base["cpu"],
                "bare_p50_ms": median(base["latencies"]) * 1000,
                "bare_p99_ms": percentile(base["latencies"], 0.99) * 1000,
                "bare_api_calls_per_update": base["calls"] / len(presses),
            }
        return result
    finally:
        await emu.stop()


def run(
    *,
    chats: int = 200,
    people: int = 5,
    items: int = 5,
    rounds: int = 3,
    bare: bool = True,
    profile: list[str] | None = None,
) -> dict[str, Any]:
    """The burst: ``chats × people`` users, each pressing the ``items`` ✅ of their digest;
    ours and the bare replay alternate ``rounds`` times (once without ``bare``)."""
    runs = [
        asyncio.run(_round(chats=chats, people=people, items=items, bare=bare, profile=profile))
        for _ in range(rounds if bare else 1)
    ]
    presses = chats * people * items

    def mid(key: str) -> float:
        return float(statistics.median(r[key] for r in runs))

    result: dict[str, Any] = {
        "presses": presses,
        "users": chats * people,
        "rounds": len(runs),
        "seconds": mid("seconds"),
        "cpu_seconds": mid("cpu_seconds"),
        "updates_per_s": presses / mid("seconds"),
        "p50_ms": mid("p50_ms"),
        "p99_ms": mid("p99_ms"),
        "p99_runs_ms": [r["p99_ms"] for r in runs],
        "max_ms": max(r["max_ms"] for r in runs),
        "api_calls_per_update": mid("api_calls_per_update"),
    }
    if bare:
        result |= {
            "bare_updates_per_s": presses / mid("bare_seconds"),
            "bare_p50_ms": mid("bare_p50_ms"),
            "bare_p99_ms": mid("bare_p99_ms"),
            "bare_api_calls_per_update": mid("bare_api_calls_per_update"),
            "ratio": statistics.median(r["bare_seconds"] / r["seconds"] for r in runs),
            "ratios": [r["bare_seconds"] / r["seconds"] for r in runs],
            "cpu_ratio": statistics.median(r["bare_cpu_seconds"] / r["cpu_seconds"] for r in runs),
        }
    return result


if __name__ == "__main__":
    print(run(chats=40))
