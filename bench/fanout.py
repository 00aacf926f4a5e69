"""Figure 1, fan-out: due reminders through the real dispatcher to the loopback emulator.

(a) Rate limiting off: reminders per second of ``Runtime.tick()`` (claim, load, render, send,
record) against a bare PTB loop sending the very same messages with no database work.
(b) Telegram's limits on, in real time (no scaling: PTB's limiter bursts a full second of
quota, so a scaled clock would not be equivalent), with the real JobQueue ticking every
``DISPATCH_INTERVAL_SECONDS`` and a simulated 100 ms round trip to Telegram: the emulator
answers 429 like Telegram (30 messages in any second, 20 per group in any minute); we report
the achieved message rate as a share of 30/s, the 429s, and whether every due/overdue
reminder went out before the first lead-time one.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from sqlalchemy import select
from sqlmodel import SQLModel
from telegram import InlineKeyboardMarkup

from bench.common import (
    NOW,
    RunningClock,
    bare_application,
    make_chats,
    profiled,
    seed_enterprises,
    seed_reminders,
    sqlite_url,
)
from bot.clock import FakeClock
from bot.demo.harness import LocalBot, local_bot
from bot.emulator import ApiCall, BotApiEmulator
from bot.scheduling.jobs import TICK_JOB, JobQueueScheduler
from bot.services.reminders.dispatcher import DispatchReport
from bot.services.reminders.outbox_stats import outbox_stats

LIMITS = {
    "rate_limit_overall_per_second": 30,
    "rate_limit_group_per_minute": 20,
    "rate_limit_group_period_seconds": 60,
}


async def scheduled(
    lb: LocalBot, *, deadline: float = 600.0, wake: bool = False
) -> tuple[float, float]:
    """Tick as ``safetybot run`` does (once at start, then PTB's JobQueue every interval)
    until the outbox is empty or ``deadline``; returns when it started and stopped."""
    started = time.monotonic()
    assert lb.app.job_queue is not None
    scheduler = JobQueueScheduler(
        lb.app.job_queue, lb.runtime.tick, lb.ctx.settings.dispatch_interval_seconds
    )
    scheduler.start()
    if wake:  # proposal: tick again at once when a tick stopped with a backlog
        lb.runtime.scheduler = scheduler
        lb.runtime.tick_listeners.append(lambda r: lb.runtime.wake() if r.backlog else None)
    try:
        await lb.runtime.tick()
        while time.monotonic() < started + deadline:
            await asyncio.sleep(0.25)
            with lb.ctx.session() as session:
                if outbox_stats(session, now=lb.clock.now()).pending == 0:
                    break
    finally:
        for job in lb.app.job_queue.get_jobs_by_name(TICK_JOB):
            job.schedule_removal()
        stopped = time.monotonic()
        await lb.runtime.close()  # waits for a tick in flight
    return started, stopped


async def drain(lb: LocalBot, *, deadline: float = 600.0) -> DispatchReport:
    """Tick until the outbox is empty (what the JobQueue does, without the pauses)."""
    total = DispatchReport()
    give_up = time.monotonic() + deadline
    while time.monotonic() < give_up:
        report = await lb.tick()
        for name in ("sent", "skipped", "superseded", "failed", "retried", "messages"):
            setattr(total, name, getattr(total, name) + getattr(report, name))
        if report.sent or report.skipped or report.superseded or report.failed:
            continue
        with lb.ctx.session() as session:
            if outbox_stats(session, now=lb.clock.now()).pending == 0:
                break
        await asyncio.sleep(0.05)  # claims held after a 429 expire with the running clock
    return total


def _sends(calls: list[ApiCall]) -> list[ApiCall]:
    return [c for c in calls if c.method == "sendMessage"]


def _due_before_lead(lb: LocalBot, sends: list[ApiCall]) -> bool:
    """Every message carrying a due/overdue reminder was accepted before any message that
    carries lead-time reminders only (a digest may carry both)."""
    order: dict[tuple[int, int], int] = {}
    nth: dict[int, int] = {}
    for seq, call in enumerate(c for c in sends if c.ok):
        chat = int(call.params["chat_id"])
        order[(chat, lb.emulator.sent(chat)[nth.get(chat, 0)].message_id)] = seq
        nth[chat] = nth.get(chat, 0) + 1
    r, e = SQLModel.metadata.tables["reminder"], SQLModel.metadata.tables["enterprise"]
    with lb.ctx.engine.connect() as conn:
        rows = conn.execute(
            select(r.c.kind, r.c.message_id, e.c.chat_id)
            .join(e, e.c.id == r.c.enterprise_id)
            .where(r.c.state == "sent")
        ).all()
    urgent = {order[(chat, mid)] for kind, mid, chat in rows if not kind.startswith("lead-")}
    lead_only = {order[(chat, mid)] for _, mid, chat in rows} - urgent
    return not urgent or not lead_only or max(urgent) < min(lead_only)


async def _bare_loop(emu: BotApiEmulator, sends: list[ApiCall]) -> tuple[float, float]:
    """(Wall, CPU) seconds a bare PTB loop needs to send the same messages, one by one."""
    app = bare_application(emu)
    await app.initialize()
    try:
        messages = [
            (
                int(c.params["chat_id"]),
                str(c.params["text"]),
                InlineKeyboardMarkup.de_json(c.params.get("reply_markup"), app.bot),
            )
            for c in sends
            if c.ok
        ]
        started, cpu = time.perf_counter(), time.process_time()
        for chat_id, text, markup in messages:
            await app.bot.send_message(chat_id, text, reply_markup=markup)
        return time.perf_counter() - started, time.process_time() - cpu
    finally:
        await app.shutdown()


async def _run(
    *,
    enterprises: int,
    items: int,
    lead: int,
    limited: str,
    rtt: float,
    deadline: float,
    wake: bool,
    bare: bool,
    profile: list[str] | None,
) -> dict[str, Any]:
    running = limited != "off"
    clock: FakeClock = RunningClock(NOW) if running else FakeClock(NOW)
    emu = BotApiEmulator(
        enforce_limits=running,
        now=time.time if running else (lambda: clock.now().timestamp()),
    )
    await emu.start()
    if rtt:
        emu.set_latency(rtt, "sendMessage")
    try:
        with sqlite_url() as url:
            async with local_bot(
                database_url=url, clock=clock, emulator=emu, **(LIMITS if running else {})
            ) as lb:
                if limited == "paced":  # proposal for app.py: no burst beyond the rate
                    s = lb.ctx.settings
                    lb.app.bot._rate_limiter = type(lb.app.bot.rate_limiter)(  # type: ignore[attr-defined,misc]
                        overall_max_rate=1,
                        overall_time_period=1 / (s.rate_limit_overall_per_second - 1),
                        group_max_rate=s.rate_limit_group_per_minute,
                        group_time_period=s.rate_limit_group_period_seconds,
                        max_retries=s.rate_limit_max_retries,
                    )
                world = make_chats(emu, enterprises)
                ids = seed_enterprises(lb.ctx.engine, world.chat_ids, now=NOW)
                reminders = seed_reminders(lb.ctx.engine, ids, now=NOW, items=items, lead=lead)
                first_call = len(emu.calls)
                started, cpu = time.perf_counter(), time.process_time()
                if running:
                    begun, stopped = await scheduled(lb, deadline=deadline, wake=wake)
                    sent = _sent_count(lb)
                elif profile is not None:
                    with profiled(profile):
                        sent = (await drain(lb)).sent
                else:
                    sent = (await drain(lb)).sent
                seconds = time.perf_counter() - started
                cpu = time.process_time() - cpu
                sends = _sends(emu.calls[first_call:])
                ordered = _due_before_lead(lb, sends)
        accepted = [c for c in sends if c.ok]
        if running and accepted:  # from the first tick to the last message (or the deadline)
            seconds = (accepted[-1].at if sent == reminders else stopped) - begun
        result: dict[str, Any] = {
            "chats": enterprises,
            "rtt_ms": rtt * 1000,
            "reminders": reminders,
            "sent": sent,
            "messages": len(accepted),
            "seconds": seconds,
            "cpu_seconds": cpu,
            "reminders_per_s": sent / seconds,
            "messages_per_s": len(accepted) / seconds,
            "http_429": sum(1 for c in sends if c.status == 429),
            "due_before_lead": ordered,
            "complete": sent == reminders,
        }
        if running:
            limit = LIMITS["rate_limit_overall_per_second"]
            result["share_of_limit"] = result["messages_per_s"] / limit
        if bare:
            bare_seconds, bare_cpu = await _bare_loop(emu, sends)
            result["bare_seconds"] = bare_seconds
            result["bare_cpu_seconds"] = bare_cpu
            result["bare_messages_per_s"] = len(accepted) / bare_seconds
            result["ratio"] = bare_seconds / seconds
            result["cpu_ratio"] = bare_cpu / cpu
        return result
    finally:
        await emu.stop()


def _sent_count(lb: LocalBot) -> int:
    r = SQLModel.metadata.tables["reminder"]
    with lb.ctx.engine.connect() as conn:
        return len(conn.execute(select(r.c.id).where(r.c.state == "sent")).all())


def run(
    *,
    enterprises: int = 1000,
    items: int = 10,
    lead: int = 5,
    limited: str = "off",
    rtt: float = 0.0,
    deadline: float = 600.0,
    wake: bool = False,
    bare: bool = True,
    profile: list[str] | None = None,
) -> dict[str, Any]:
    """One fan-out run; ``limited`` is "off", "configured" (as app.py builds it) or "paced".

    ``rtt`` seconds of latency are added to every sendMessage. With limits on, the run stops
    after ``deadline`` seconds even if reminders are left (the rate is over what was sent).
    """
    return asyncio.run(
        _run(
            enterprises=enterprises,
            items=items,
            lead=lead,
            limited=limited,
            rtt=rtt,
            deadline=deadline,
            wake=wake,
            bare=bare and limited == "off",
            profile=profile,
        )
    )


if __name__ == "__main__":
    print(run(enterprises=200))
