"""Figure 1, fan-out: due reminders through the real dispatcher to the loopback emulator.

(a) Raw dispatch, rate limiting off: how long ``Runtime.tick()`` (claim, load, render, send,
record) takes to drain the outbox, against a bare PTB loop sending the very same messages
(text, keyboard and options, captured from the emulator) with no database work; alternating
runs (ours, bare, ours, bare, …), the medians and the median ratio.

(b) As shipped: the application ``build_application`` builds, with its own scheduler (PTB's
JobQueue, ``runtime.scheduler`` set: a tick that stops with a backlog wakes the next at once,
a 429 wakes it after ``retry_after``), its own rate limiter and settings, in real time, against
an emulator that enforces Telegram's limits (30 messages in any second, 20 a minute per
group, about one a second per private chat) and answers every call after a 100 ms round trip.
Half the groups have something due or overdue, the other half (interleaved) only lead-time
news. We report the achieved message rate as a share of the configured rate
(``RATE_LIMIT_OVERALL_PER_SECOND``) and of Telegram's 30/s, the 429s, whether every message
carrying something due went out before any lead-time-only one, and whether each group got
exactly one message.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from typing import Any

from sqlalchemy import func, select
from sqlmodel import SQLModel
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions

from bench.common import (
    NOW,
    RunningClock,
    bare_application,
    make_chats,
    medians,
    profiled,
    seed_enterprises,
    seed_reminders,
    sqlite_url,
)
from bot.clock import FakeClock
from bot.config import Settings
from bot.demo.harness import LocalBot, local_bot
from bot.emulator import ApiCall, BotApiEmulator
from bot.services.reminders.outbox_stats import outbox_stats

TELEGRAM_PER_SECOND = 30  # what Telegram allows (the emulator enforces it)
# The shipped flood settings, read from bot/config.py (the harness would otherwise lift them).
SHIPPED = {
    name: Settings.model_fields[name].default
    for name in (
        "rate_limit_overall_per_second",
        "rate_limit_group_per_minute",
        "rate_limit_group_period_seconds",
        "rate_limit_max_retries",
    )
}


def _accepted(calls: list[ApiCall]) -> list[ApiCall]:
    return [c for c in calls if c.method == "sendMessage" and c.ok]


def _sent_rows(lb: LocalBot) -> int:
    r = SQLModel.metadata.tables["reminder"]
    with lb.ctx.engine.connect() as conn:
        return int(conn.execute(select(func.count()).where(r.c.state == "sent")).scalar_one())


async def drain(lb: LocalBot, *, deadline: float = 600.0) -> None:
    """Tick until the outbox is empty (what the scheduler does, without its pauses)."""
    give_up = time.monotonic() + deadline
    while time.monotonic() < give_up:
        report = await lb.tick()
        if report.sent or report.skipped or report.superseded or report.failed:
            continue
        with lb.ctx.session() as session:
            if outbox_stats(session, now=lb.clock.now()).pending == 0:
                return
        await asyncio.sleep(0.05)


def _markup(value: Any) -> dict[str, Any]:
    """A sent reply_markup as the emulator recorded it (parsed, or the JSON text)."""
    return json.loads(value) if isinstance(value, str) else dict(value)


async def _bare_loop(emu: BotApiEmulator, sends: list[ApiCall]) -> tuple[float, float]:
    """(Wall, CPU) seconds a bare PTB loop needs to send the same messages, one by one.

    Like any PTB bot, it builds each message's keyboard (its buttons' texts and callback
    data, taken from our sends beforehand) as it sends it."""
    app = bare_application(emu)
    await app.initialize()
    try:
        messages = [
            (
                int(c.params["chat_id"]),
                str(c.params["text"]),
                [
                    [(str(b["text"]), str(b["callback_data"])) for b in row]
                    for row in _markup(c.params["reply_markup"])["inline_keyboard"]
                ]
                if c.params.get("reply_markup")
                else None,
                bool(c.params.get("disable_notification", False)),
            )
            for c in sends
        ]
        no_preview = LinkPreviewOptions(is_disabled=True)  # as the app's defaults send it
        started, cpu = time.perf_counter(), time.process_time()
        for chat_id, text, rows, silent in messages:
            markup = (
                InlineKeyboardMarkup(
                    [[InlineKeyboardButton(t, callback_data=d) for t, d in row] for row in rows]
                )
                if rows is not None
                else None
            )
            await app.bot.send_message(
                chat_id,
                text,
                reply_markup=markup,
                disable_notification=silent,
                link_preview_options=no_preview,
            )
        return time.perf_counter() - started, time.process_time() - cpu
    finally:
        await app.shutdown()


async def _raw_pair(
    enterprises: int, items: int, lead: int, *, bare: bool, profile: list[str] | None
) -> dict[str, Any]:
    """One run of ours (limits off) and, on the same emulator, one of the bare loop."""
    clock = FakeClock(NOW)
    emu = BotApiEmulator(now=lambda: clock.now().timestamp())
    await emu.start()
    try:
        with sqlite_url() as url:
            async with local_bot(database_url=url, clock=clock, emulator=emu) as lb:
                world = make_chats(emu, enterprises)
                ids = seed_enterprises(lb.ctx.engine, world.chat_ids, now=NOW)
                reminders = seed_reminders(lb.ctx.engine, ids, now=NOW, items=items, lead=lead)
                first_call = len(emu.calls)
                started, cpu = time.perf_counter(), time.process_time()
                if profile is not None:
                    with profiled(profile):
                        await drain(lb)
                else:
                    await drain(lb)
                seconds = time.perf_counter() - started
                cpu = time.process_time() - cpu
                sent = _sent_rows(lb)
        sends = _accepted(emu.calls[first_call:])
        result: dict[str, Any] = {
            "chats": enterprises,
            "reminders": reminders,
            "sent": sent,
            "messages": len(sends),
            "seconds": seconds,
            "cpu_seconds": cpu,
            "reminders_per_s": sent / seconds,
            "messages_per_s": len(sends) / seconds,
            "complete": sent == reminders,
        }
        if bare:
            bare_seconds, bare_cpu = await _bare_loop(emu, sends)
            result |= {
                "bare_seconds": bare_seconds,
                "bare_cpu_seconds": bare_cpu,
                "bare_messages_per_s": len(sends) / bare_seconds,
                "ratio": bare_seconds / seconds,
                "cpu_ratio": bare_cpu / cpu,
            }
        return result
    finally:
        await emu.stop()


async def _wait_until_sent(
    emu: BotApiEmulator, first_call: int, messages: int, deadline: float
) -> None:
    """Until the emulator accepted ``messages`` sendMessage calls (or ``deadline``)."""
    seen, checked = 0, first_call
    give_up = time.monotonic() + deadline
    while seen < messages and time.monotonic() < give_up:
        await asyncio.sleep(0.25)
        calls = emu.calls[checked:]
        checked += len(calls)
        seen += len(_accepted(calls))


async def _shipped(enterprises: int, rtt: float, deadline: float) -> dict[str, Any]:
    """One morning wave through the application as it ships (see the module docstring)."""
    clock = RunningClock(NOW)  # wall time: leases, retries and the JobQueue run for real
    emu = BotApiEmulator(enforce_limits=True, now=time.time)
    await emu.start()
    emu.set_latency(rtt)  # every call: Telegram is 100 ms away
    try:
        with sqlite_url() as url:
            async with local_bot(
                database_url=url, clock=clock, emulator=emu, auto_tick=True, **SHIPPED
            ) as lb:
                assert lb.runtime.scheduler is not None  # as build_application ships it
                world = make_chats(emu, enterprises)
                lead_only = set(world.chat_ids[1::2])
                ids = seed_enterprises(lb.ctx.engine, world.chat_ids, now=NOW)
                reminders = seed_reminders(
                    lb.ctx.engine, ids, now=NOW, items=10, lead=5, lead_only_every=2
                )
                first_call = len(emu.calls)
                started = time.monotonic()
                lb.runtime.wake()  # what /setup does; then the shipped scheduler alone
                await _wait_until_sent(emu, first_call, enterprises, deadline)
                stopped = time.monotonic()
                sent = _sent_rows(lb)
                ticks = lb.metrics.registry.get_sample_value("safetybot_dispatch_ticks_total")
        calls = emu.calls[first_call:]
        sends = _accepted(calls)
        seconds = (sends[-1].at if sent == reminders else stopped) - started
        per_chat = Counter(int(c.params["chat_id"]) for c in sends)
        urgent = [n for n, c in enumerate(sends) if int(c.params["chat_id"]) not in lead_only]
        lead = [n for n, c in enumerate(sends) if int(c.params["chat_id"]) in lead_only]
        configured = float(SHIPPED["rate_limit_overall_per_second"])
        return {
            "first_send_after": sends[0].at - started if sends else None,
            "chats": enterprises,
            "rtt_ms": rtt * 1000,
            "reminders": reminders,
            "sent": sent,
            "messages": len(sends),
            "seconds": seconds,
            "messages_per_s": len(sends) / seconds,
            "configured_per_s": configured,
            "share_of_configured": len(sends) / seconds / configured,
            "share_of_telegram": len(sends) / seconds / TELEGRAM_PER_SECOND,
            "http_429": sum(1 for c in calls if c.status == 429),
            "due_before_lead": not urgent or not lead or max(urgent) < min(lead),
            "one_per_chat": len(per_chat) == enterprises and set(per_chat.values()) == {1},
            "complete": sent == reminders,
            "ticks": ticks or 0.0,
        }
    finally:
        await emu.stop()


def raw(
    *,
    enterprises: int = 1000,
    items: int = 10,
    lead: int = 5,
    runs: int = 3,
    bare: bool = True,
    profile: list[str] | None = None,
) -> dict[str, Any]:
    """Figure 1a: ``runs`` alternating runs of ours and the bare loop; medians (see above).

    With ``profile`` (a list to fill), one profiled run of ours alone.
    """
    if profile is not None:
        return asyncio.run(_raw_pair(enterprises, items, lead, bare=False, profile=profile))
    return medians(
        [
            asyncio.run(_raw_pair(enterprises, items, lead, bare=bare, profile=None))
            for _ in range(runs)
        ]
    )


def shipped(
    *, enterprises: int = 2000, rtt: float = 0.1, runs: int = 1, deadline: float = 600.0
) -> dict[str, Any]:
    """Figure 1b: ``runs`` morning waves of ``enterprises`` messages through the shipped
    application (median; the lowest share is kept as ``worst_share``)."""
    results = [asyncio.run(_shipped(enterprises, rtt, deadline)) for _ in range(runs)]
    return medians(results) | {
        "worst_share": min(r["share_of_configured"] for r in results),
        "http_429": sum(r["http_429"] for r in results),
    }


if __name__ == "__main__":
    print(shipped(enterprises=400))
