"""The clock that wakes the dispatcher, behind a small interface."""

from bot.scheduling.jobs import JobQueueScheduler, Scheduler

__all__ = ["JobQueueScheduler", "Scheduler"]
