"""The clock services receive, so tests and the demo can move time instead of waiting for it."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Protocol


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current moment, timezone-aware (UTC)."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Return once ``seconds`` have passed on this clock (heartbeats, not business time)."""
        ...


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class FakeClock:
    """A settable clock for tests and the demo's accelerated month.

    ``sleep`` waits for the clock to be moved past its deadline, so a test drives timers
    (a lease heartbeat) by setting the time instead of waiting.
    """

    def __init__(self, start: dt.datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = start.astimezone(dt.UTC)
        self._moved: asyncio.Event | None = None

    def now(self) -> dt.datetime:
        return self._now

    def set(self, moment: dt.datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = moment.astimezone(dt.UTC)
        self._wake()

    def advance(self, delta: dt.timedelta) -> dt.datetime:
        self._now += delta
        self._wake()
        return self._now

    async def sleep(self, seconds: float) -> None:
        deadline = self._now + dt.timedelta(seconds=seconds)
        while self._now < deadline:
            if self._moved is None:
                self._moved = asyncio.Event()
            await self._moved.wait()

    def _wake(self) -> None:
        if self._moved is not None:
            self._moved.set()
            self._moved = None
