"""The overall rate limit: every request to Telegram paced below its "30 messages in any second".

PTB's own limiter is a leaky bucket that lets a whole second of quota through at once; Telegram
(and the emulator) answers such bursts with 429s. A bucket of one token refilled at 29/s (one
request every 1/29 s) leaves 34 ms of margin between the 1st and the 31st request, but our
requests do not reach Telegram as evenly as they leave the limiter: a busy event loop, the
network and Telegram itself delay some by tens of milliseconds, and one delayed request lands
in the next second with the 30 after it (the benchmark saw 2–6 429s per 400 messages). Nor can
such a bucket make up for a late start: every one is lost for good (20–30 % of the rate on a
loaded event loop). ``SteadyPace`` therefore keeps three rules:

1. **No bursts.** Two requests start at least 1/(2 × rate) apart.
2. **The configured rate.** A bucket of tokens refilled at ``rate`` a second, holding at most
   ``CATCH_UP`` seconds' worth (4 at 29/s) and starting with one: a request that started late
   leaves its token to the next, so up to that much lateness is made up (at twice the rate);
   an idle spell lets at most those few requests go early.
3. **Telegram's window, from its answers.** Telegram counts a request somewhere between the
   moment it is sent and the moment its answer arrives. A new request (which cannot arrive
   sooner than half the fastest round trip seen so far) starts only while fewer than 30
   requests may still be in Telegram's window: every request in flight counts, and an
   answered one counts until one second after its answer (less that half round trip). This
   holds however unevenly requests travel; it costs a little of the rate only when round trips
   are long (at 100 ms, about 28.4 of 29/s).

``RATE_LIMIT_OVERALL_PER_SECOND`` (default 29) is the rate of rule 2; rule 3 counts 30 or the
rate, whichever is larger (the test harness lifts the limits with a rate of 10,000).

Requests wait their turn first come, first served, except that the outbox's sends (made inside
``in_background()``) let every other request go first: a person's ✅ is answered and its message
edited without queueing behind the morning wave's sends, which only lose that one slot.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import math
from collections import deque
from collections.abc import Iterator
from contextvars import ContextVar
from types import TracebackType

from aiolimiter import AsyncLimiter

TELEGRAM_PER_WINDOW = 30  # messages Telegram accepts "in any second"
TELEGRAM_WINDOW = 1.0  # seconds
CATCH_UP = 0.15  # seconds of the rate a late start may make up (rule 2)

FIRST, LAST = 0, 1  # turns: other requests, then the outbox's
_turn_of_this_task: ContextVar[int] = ContextVar("pacing_turn", default=FIRST)


@contextlib.contextmanager
def in_background() -> Iterator[None]:
    """Requests made inside wait until no other request waits for its turn."""
    token = _turn_of_this_task.set(LAST)
    try:
        yield
    finally:
        _turn_of_this_task.reset(token)


class Turns:
    """One holder at a time; waiters served by priority, then first come, first served."""

    def __init__(self) -> None:
        self._held = False
        self._waiting: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    async def take(self, priority: int) -> None:
        if not self._held and not self._waiting:
            self._held = True
            return
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (priority, next(self._order), turn))
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self.give()  # it was ours already: pass it on
            raise

    def give(self) -> None:
        while self._waiting:
            _, _, turn = heapq.heappop(self._waiting)
            if not turn.done():
                turn.set_result(None)
                return
        self._held = False


class SteadyPace(AsyncLimiter):
    """``async with pace:`` around each request (PTB's ``AIORateLimiter`` does it); see above."""

    def __init__(self, rate: float) -> None:
        super().__init__(1, 1 / rate)  # (the parent's own bucket is not used)
        self._rate = rate
        self._gap = 1 / (2 * rate)  # rule 1
        self._last = -math.inf  # the last start
        self._capacity = max(1.0, math.floor(rate * CATCH_UP))  # rule 2: tokens
        self._tokens = 1.0
        self._filled = -math.inf  # when the tokens were counted
        self._window = max(TELEGRAM_PER_WINDOW, math.ceil(rate))  # rule 3
        self._in_flight: dict[object, float] = {}  # request (its task) -> its start
        self._answered: deque[float] = deque()  # when answers came, oldest first
        self._fastest = math.inf  # the fastest round trip so far
        self._answer = asyncio.Event()
        self._turns = Turns()

    def _lead(self) -> float:
        """How long a request surely takes to reach Telegram: half the fastest round trip."""
        return self._fastest / 2 if self._fastest < math.inf else 0.0

    def next_start(self, now: float) -> float:
        """When the next request may start (``math.inf``: not before an answer arrives)."""
        if self._filled > -math.inf:
            self._tokens = min(self._capacity, self._tokens + (now - self._filled) * self._rate)
        self._filled = now
        ready = max(now, self._last + self._gap, now + (1 - self._tokens) / self._rate)
        counts_until = TELEGRAM_WINDOW - self._lead()  # after its answer
        while self._answered and self._answered[0] + counts_until <= now:
            self._answered.popleft()
        if len(self._in_flight) + len(self._answered) >= self._window:
            oldest = self._answered[0] + counts_until if self._answered else math.inf
            ready = max(ready, oldest)
        return ready

    def started(self, request: object, now: float) -> None:
        """``request`` (any key) starts now; ``next_start(now)`` allowed it."""
        self._last, self._tokens = now, self._tokens - 1
        self._in_flight[request] = now

    def answered(self, request: object, now: float) -> None:
        """Telegram's answer to ``request`` (or its failure) arrived now."""
        started = self._in_flight.pop(request, None)
        if started is None:
            return
        self._fastest = min(self._fastest, now - started)
        self._answered.append(now)
        self._answer.set()

    async def acquire(self, amount: float = 1) -> None:
        await self._turns.take(_turn_of_this_task.get())
        try:
            loop = asyncio.get_running_loop()
            while True:
                now = loop.time()
                ready = self.next_start(now)
                if now >= ready:
                    break
                self._answer.clear()
                wait = None if ready == math.inf else ready - now
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._answer.wait(), wait)
            self.started(asyncio.current_task(), now)
        finally:
            self._turns.give()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.answered(asyncio.current_task(), asyncio.get_running_loop().time())
