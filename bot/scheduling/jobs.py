"""PTB's JobQueue (APScheduler) as the dispatcher's alarm clock.

The job store holds no per-enterprise state: what is due lives in the database. Jobs carry
no data and have fixed names, so re-scheduling replaces rather than duplicates.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from sqlalchemy.exc import InterfaceError, OperationalError
from telegram.ext import ContextTypes, JobQueue

log = logging.getLogger(__name__)

TICK_JOB = "dispatch-tick"
WAKE_JOB = "dispatch-wake"


class Scheduler(Protocol):
    def start(self) -> None:
        """Start waking the dispatcher periodically."""

    def wake(self, after: float = 0.0) -> None:
        """Run the dispatcher in ``after`` seconds (0: soon, e.g. right after an enterprise
        was set up or a tick stopped with a backlog; a 429's ``retry_after``)."""


class JobQueueScheduler:
    def __init__(
        self, job_queue: JobQueue[Any], tick: Callable[[], Awaitable[object]], interval: float
    ) -> None:
        self._job_queue = job_queue
        self._tick = tick
        self._interval = interval

    async def _run(self, _context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.run_tick()

    async def run_tick(self) -> None:
        """One tick as the JobQueue runs it. A database that is locked or down costs this tick
        only: one clear log line, and the next tick retries (the outbox keeps every reminder;
        claims taken before the failure come back when their lease ends). Any other error goes
        to the application's error handler with its traceback."""
        try:
            await self._tick()
        except (OperationalError, InterfaceError) as exc:
            cause = str(exc.orig or exc).strip().splitlines()[0] if str(exc.orig or exc) else ""
            log.error(
                "dispatch tick failed, database unavailable (%s: %s); nothing is lost, "
                "retrying in %g s",
                type(exc.orig or exc).__name__,
                cause,
                self._interval,
            )

    def start(self) -> None:
        for job in self._job_queue.get_jobs_by_name(TICK_JOB):
            job.schedule_removal()
        self._job_queue.run_repeating(self._run, self._interval, first=0, name=TICK_JOB)

    def wake(self, after: float = 0.0) -> None:
        """One extra tick in ``after`` seconds, unless one is already due by then."""
        when = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=max(0.0, after))
        for job in self._job_queue.get_jobs_by_name(WAKE_JOB):
            if job.next_t is not None and job.next_t <= when:
                return
        self._job_queue.run_once(self._run, max(0.0, after), name=WAKE_JOB)
