"""Figure 2b, presses during a morning wave: a wave must not starve the people pressing ✅.

The application as it ships (``build_application``: its scheduler, rate limiter and flood
settings from ``bot/config.py``), in real time, against an emulator that enforces Telegram's
limits. ``pressers`` groups already have their digest; then ``wave`` other groups fall due at
once (one message each), and while that wave is being sent the pressers' members press ✅ at
a steady ``rate`` (first presses confirm: answer, edit, evidence prompt; later ones are
answered "already confirmed"), until the wave is out.

Per press: the **handling time** (what PTB spends on the update, as in figure 2, including
the edit and prompt it makes, which queue behind the wave in the rate limiter) and the
**answer time** (from the press to Telegram receiving ``answerCallbackQuery``: when the
person's button stops spinning). p99 of each; the wave's messages per second meanwhile.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select, update
from sqlmodel import SQLModel

from bench.common import (
    NOW,
    RunningClock,
    TimedUpdates,
    make_chats,
    median,
    percentile,
    seed_enterprises,
    seed_reminders,
    sqlite_url,
)
from bench.updates import Press, _presses
from bot.config import Settings
from bot.demo.harness import LocalBot, local_bot
from bot.emulator import BotApiEmulator

# The shipped flood settings (the test harness would otherwise lift them).
SHIPPED = {
    name: Settings.model_fields[name].default
    for name in (
        "rate_limit_overall_per_second",
        "rate_limit_group_per_minute",
        "rate_limit_group_period_seconds",
        "rate_limit_max_retries",
    )
}


def _sent(lb: LocalBot) -> int:
    r = SQLModel.metadata.tables["reminder"]
    with lb.ctx.engine.connect() as conn:
        return int(conn.execute(select(func.count()).where(r.c.state == "sent")).scalar_one())


def _hold(lb: LocalBot, enterprise_ids: list[int]) -> Any:
    """Move these enterprises' reminders a day ahead; returns when they were due."""
    r = SQLModel.metadata.tables["reminder"]
    mine = r.c.enterprise_id.in_(enterprise_ids)
    with lb.ctx.engine.begin() as conn:
        fire = conn.execute(select(r.c.fire_at).where(mine).limit(1)).scalar_one()
        conn.execute(update(r).where(mine).values(fire_at=fire + dt.timedelta(days=1)))
    return fire


def _release(lb: LocalBot, enterprise_ids: list[int], fire: Any) -> int:
    """Make them due again (as the morning's digest moment passing does); returns how many."""
    r = SQLModel.metadata.tables["reminder"]
    with lb.ctx.engine.begin() as conn:
        done = conn.execute(
            update(r).where(r.c.enterprise_id.in_(enterprise_ids)).values(fire_at=fire)
        )
    return int(done.rowcount)


def _item_by_item(presses: list[Press]) -> list[Press]:
    """Item after item, in each group its members one after the other: one press in
    ``people`` confirms (answer, edit, prompt), the others are answered "already confirmed"."""
    items: dict[int, list[str]] = {}
    for chat, _, _, data in presses:
        if data not in items.setdefault(chat, []):
            items[chat].append(data)
    return sorted(presses, key=lambda p: (items[p[0]].index(p[3]), p[0]))  # stable: people


async def _until(done: Callable[[], bool], give_up: float) -> None:
    while True:
        if done() or time.monotonic() > give_up:
            return
        await asyncio.sleep(0.25)


class LoopLag:
    """How late the event loop runs a task that asks to wake every ``tick`` seconds."""

    def __init__(self, tick: float = 0.01) -> None:
        self.tick = tick
        self.lags: list[float] = []

    async def run(self) -> None:
        while True:
            asked = time.perf_counter()
            await asyncio.sleep(self.tick)
            self.lags.append(time.perf_counter() - asked - self.tick)


async def _run(
    *, wave: int, pressers: int, people: int, items: int, rate: float, deadline: float
) -> dict[str, Any]:
    clock = RunningClock(NOW)
    emu = BotApiEmulator(enforce_limits=True, now=time.time)
    await emu.start()
    try:
        with sqlite_url() as url:
            async with local_bot(
                database_url=url, clock=clock, emulator=emu, auto_tick=True, **SHIPPED
            ) as lb:
                groups, morning = make_chats(emu, pressers, people), make_chats(emu, wave)
                ids = seed_enterprises(lb.ctx.engine, groups.chat_ids + morning.chat_ids, now=NOW)
                seed_reminders(lb.ctx.engine, ids, now=NOW, items=items, lead=0)
                later = _hold(lb, ids[pressers:])  # the wave's rows: not due yet
                await lb.tick()  # the pressers' digests, before the wave
                presses = _item_by_item(_presses(emu, groups))
                before = _sent(lb)
                due = _release(lb, ids[pressers:], later)
                timer = TimedUpdates()
                lb.app._update_processor = timer  # time each update as PTB runs it
                first_call = len(emu.calls)
                started = time.monotonic()
                lag = LoopLag()
                probe = asyncio.create_task(lag.run())
                lb.runtime.wake()  # the wave starts; the shipped scheduler does the rest
                pressed: dict[str, float] = {}  # callback query id → when it was pressed
                give_up = started + deadline
                for chat, person, message_id, data in presses:
                    if _sent(lb) - before >= due or time.monotonic() > give_up:
                        break
                    pressed[emu.press_raw({"id": chat}, person, message_id, data)] = (
                        time.monotonic()
                    )
                    await asyncio.sleep(1 / rate)
                await _until(lambda: _sent(lb) - before >= due, give_up)
                wave_seconds = time.monotonic() - started
                probe.cancel()
                await timer.wait_for(len(pressed))
                calls = emu.calls[first_call:]
        answered = {
            str(c.params.get("callback_query_id")): c.at
            for c in calls
            if c.method == "answerCallbackQuery"
        }
        answer_ms = [(answered[q] - t) * 1000 for q, t in pressed.items() if q in answered]
        handling_ms = [s * 1000 for s in timer.seconds]
        messages = sum(
            1
            for c in calls
            if c.method == "sendMessage" and c.ok and int(c.params["chat_id"]) in morning.people
        )
        return {
            "wave": wave,
            "messages": messages,
            "wave_seconds": wave_seconds,
            "wave_messages_per_s": messages / wave_seconds,
            "presses": len(pressed),
            "answered": len(answer_ms),
            "handling_p50_ms": median(handling_ms),
            "handling_p99_ms": percentile(handling_ms, 0.99),
            "answer_p50_ms": median(answer_ms),
            "answer_p99_ms": percentile(answer_ms, 0.99),
            "answer_max_ms": max(answer_ms, default=0.0),
            "http_429": sum(1 for c in calls if c.status == 429),
            "loop_lag_p99_ms": percentile(lag.lags, 0.99) * 1000,
            "loop_lag_max_ms": max(lag.lags, default=0.0) * 1000,
        }
    finally:
        await emu.stop()


def run(
    *,
    wave: int = 2000,
    pressers: int = 40,
    people: int = 5,
    items: int = 5,
    rate: float = 10.0,
    deadline: float = 300.0,
) -> dict[str, Any]:
    """A ``wave``-message morning wave with ``rate`` ✅ presses a second meanwhile."""
    return asyncio.run(
        _run(
            wave=wave,
            pressers=pressers,
            people=people,
            items=items,
            rate=rate,
            deadline=deadline,
        )
    )


if __name__ == "__main__":
    print(run(wave=300, pressers=10))
