"""PTB's JobQueue (APScheduler) as the dispatcher's alarm clock.

The job store holds no per-enterprise state: what is due lives in the database. Jobs carry
no data and have fixed names, so re-scheduling replaces rather than duplicates.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from telegram.ext import ContextTypes, JobQueue

TICK_JOB = "dispatch-tick"
WAKE_JOB = "dispatch-wake"


class Scheduler(Protocol):
    def start(self) -> None:
        """Start waking the dispatcher periodically."""

    def wake(self) -> None:
        """Run the dispatcher soon (e.g. right after an enterprise was set up)."""


class JobQueueScheduler:
    def __init__(
        self, job_queue: JobQueue[Any], tick: Callable[[], Awaitable[object]], interval: float
    ) -> None:
        self._job_queue = job_queue
        self._tick = tick
        self._interval = interval

    async def _run(self, _context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._tick()

    def start(self) -> None:
        for job in self._job_queue.get_jobs_by_name(TICK_JOB):
            job.schedule_removal()
        self._job_queue.run_repeating(self._run, self._interval, first=0, name=TICK_JOB)

    def wake(self) -> None:
        if not self._job_queue.get_jobs_by_name(WAKE_JOB):
            self._job_queue.run_once(self._run, 0, name=WAKE_JOB)
