"""Everything a handler or job needs, created once in ``build_application`` and kept in bot_data."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bot.render import Renderer
from bot.reports.sources import ReportSources
from bot.scheduling import Scheduler
from bot.services.context import AppContext
from bot.services.reminders.dispatcher import Dispatcher, DispatchReport
from bot.services.reminders.materialize import materialize_stale
from bot.telegram.roles import ChatAdmins

log = logging.getLogger(__name__)

RUNTIME_KEY = "runtime"


@dataclass
class Runtime:
    ctx: AppContext
    renderer: Renderer
    admins: ChatAdmins
    # Where quiz and drill figures for /stats, reports and the digest come from.
    report_sources: ReportSources = field(default_factory=ReportSources)
    dispatcher: Dispatcher | None = None
    scheduler: Scheduler | None = None
    last_tick: dt.datetime | None = None
    # Periodic jobs of other features (end stale drills, close expired checks, …), run after
    # each dispatch wave with the tick's ``now``; a failing hook is logged and never stops the tick.
    hooks: list[Callable[[dt.datetime], Awaitable[object]]] = field(default_factory=list)
    # Called with every tick's report (metrics read the dispatcher here, not inside it).
    tick_listeners: list[Callable[[DispatchReport], None]] = field(default_factory=list)
    closing: bool = False
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def tick(self, *, waves: int | None = None) -> DispatchReport:
        """Materialize what fell behind, then send what is due (at most ``waves`` waves; more
        wakes the scheduler at once). One tick at a time per process."""
        async with self._lock:
            if self.closing:
                return DispatchReport()
            now = self.ctx.clock.now()
            # In a worker thread with its own session: the bot keeps answering meanwhile.
            await asyncio.to_thread(self._materialize, now)
            report = (
                DispatchReport()
                if self.dispatcher is None
                else await self.dispatcher.run_once(waves=waves)
            )
            asked: list[dt.datetime] = []  # a hook returns when it wants the next tick
            for hook in [] if self.closing else self.hooks:  # a stop starts nothing new
                try:
                    result = await hook(now)
                except Exception:
                    log.exception("tick hook %s failed", getattr(hook, "__name__", hook))
                    continue
                if isinstance(result, dt.datetime):
                    asked.append(result)
            self.last_tick = now
            if report.sent or report.failed or report.retried or report.held or report.lost:
                log.info(
                    "dispatch: sent=%d skipped=%d superseded=%d failed=%d retried=%d held=%d "
                    "lost=%d messages=%d",
                    report.sent,
                    report.skipped,
                    report.superseded,
                    report.failed,
                    report.retried,
                    report.held,
                    report.lost,
                    report.messages,
                )
            for listener in self.tick_listeners:
                listener(report)
        if self.closing:
            return report
        if report.backlog:  # more is due than one tick sends: go again now, not in 20 s
            self.wake()
        elif report.retry_at is not None:  # a 429: back when Telegram said, not at the next tick
            self.wake((report.retry_at - self.ctx.clock.now()).total_seconds())
        elif asked:  # e.g. a paced robot's next message: then, not at the next interval
            self.wake((min(asked) - self.ctx.clock.now()).total_seconds())
        return report

    def _materialize(self, now: dt.datetime) -> int:
        """Write what fell behind the horizon (incremental; chunked commits)."""
        with self.ctx.session() as session:
            return materialize_stale(
                session,
                catalog=self.ctx.catalog,
                calendar=self.ctx.calendar,
                now=now,
                horizon_days=self.ctx.settings.materialize_horizon_days,
                stopping=lambda: self.closing,
            )

    def halt(self) -> None:
        """Begin a graceful stop at once (a signal handler calls it): no further tick; the tick
        in flight starts no new wave or chat, and hands back what it claimed but did not send."""
        self.closing = True  # a materialization in flight stops at its next commit
        if self.dispatcher is not None:
            self.dispatcher.stop()

    async def close(self) -> None:
        """Graceful shutdown: ``halt``, then wait for the sends in flight to be recorded."""
        self.halt()
        async with self._lock:  # the tick in flight, if any, finishes first
            if self.dispatcher is not None:
                self.dispatcher.hand_back()

    def wake(self, after: float = 0.0) -> None:
        """Tick again in ``after`` seconds (soon by default) rather than at the next interval."""
        if self.scheduler is not None:
            self.scheduler.wake(max(0.0, after))


def runtime_of(bot_data: dict[str, Any]) -> Runtime:
    runtime = bot_data[RUNTIME_KEY]
    assert isinstance(runtime, Runtime)
    return runtime
