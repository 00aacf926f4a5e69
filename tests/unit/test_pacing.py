"""The overall rate limit (``SteadyPace``) against Telegram's "30 in any second", on simulated time.

A simulation plays many requests through the limiter's rules: each starts when the limiter
allows it, reaches Telegram somewhere between half its round trip and its answer (unevenly:
that is what made a plain 29/s pacing draw 429s), and is answered after a round trip drawn
between 100 and 300 ms. Telegram must never count more than 30 in any one-second window.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import math
import random

import pytest

from bot.telegram.pacing import TELEGRAM_PER_WINDOW, SteadyPace, in_background


def simulate(
    pace: SteadyPace,
    requests: int,
    *,
    seed: int,
    stall: float = 0.0,
    trips: tuple[float, float] = (0.1, 0.3),
) -> tuple[list[float], list[float]]:
    """(start, arrival at Telegram) of each request; every 50th start is ``stall`` late."""
    rng = random.Random(seed)
    now = 0.0
    answers: list[tuple[float, int]] = []  # (time, request)
    starts: list[float] = []
    arrivals: list[float] = []
    for n in range(requests):
        while True:
            ready = pace.next_start(now)
            if answers and answers[0][0] <= ready:  # an answer comes first: it may change things
                now = max(now, answers[0][0])
                _, done = heapq.heappop(answers)
                pace.answered(done, now)
                continue
            assert ready < math.inf, "waiting for an answer that never comes"
            now = max(now, ready) + (stall if n % 50 == 49 else 0.0)
            break
        pace.started(n, now)
        trip = rng.uniform(*trips)
        starts.append(now)
        arrivals.append(now + rng.uniform(trip / 2, trip))
        heapq.heappush(answers, (now + trip, n))
    return starts, arrivals


def most_in_one_second(times: list[float]) -> int:
    ordered = sorted(times)
    most, first = 0, 0
    for last, at in enumerate(ordered):
        while at - ordered[first] >= 1.0:
            first += 1
        most = max(most, last - first + 1)
    return most


@pytest.mark.parametrize("seed", range(5))
def test_telegram_never_counts_more_than_30_in_a_second(seed: int) -> None:
    starts, arrivals = simulate(SteadyPace(29), 3000, seed=seed, stall=0.08)
    assert most_in_one_second(arrivals) <= TELEGRAM_PER_WINDOW
    assert most_in_one_second(starts) <= TELEGRAM_PER_WINDOW


def test_the_rate_stays_close_to_the_configured_one() -> None:
    """At 100–120 ms round trips (Telegram's window costs a little: see the module)."""
    starts, _ = simulate(SteadyPace(29), 3000, seed=7, trips=(0.1, 0.12))
    rate = (len(starts) - 1) / (starts[-1] - starts[0])
    assert 0.95 * 29 < rate <= 29 * 1.01


def test_no_burst_after_an_idle_spell() -> None:
    pace = SteadyPace(29)
    now = 0.0
    pace.started("earlier", now)
    pace.answered("earlier", now + 0.1)
    now, starts = 60.0, []  # a quiet minute, then a wave
    for n in range(10):
        now = pace.next_start(now)
        pace.started(n, now)
        starts.append(now)
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert min(gaps) >= 1 / 58 - 1e-9  # at most twice the rate, never two at once
    assert starts[-1] - starts[0] >= 4 / 29  # the few early ones, then the rate


def test_a_late_start_is_made_up_not_lost() -> None:
    """A bucket of one token would lose every late start; this one catches up (rule 2)."""
    on_time, _ = simulate(SteadyPace(29), 600, seed=3)
    late, _ = simulate(SteadyPace(29), 600, seed=3, stall=0.02)
    assert late[-1] - on_time[-1] < 0.02 * (600 // 50) / 2


def test_a_lifted_limit_does_not_hold_requests_back() -> None:
    """The test harness sets 10,000/s: the window then counts 10,000, not Telegram's 30."""
    starts, _ = simulate(SteadyPace(10_000), 500, seed=2)
    assert starts[-1] - starts[0] < 0.1


async def _requests(
    pace: SteadyPace, names: list[str], order: list[str]
) -> list[asyncio.Task[None]]:
    """Start one request per name ("send…" ones as the outbox makes them); let them queue."""

    async def request(name: str) -> None:
        turn = in_background() if name.startswith("send") else contextlib.nullcontext()
        with turn:
            async with pace:
                order.append(name)

    tasks = []
    for name in names:
        tasks.append(asyncio.create_task(request(name)))
        for _ in range(3):
            await asyncio.sleep(0)  # (a yield, not a wait: the request reaches the limiter)
    return tasks


async def test_a_press_goes_before_the_waves_waiting_sends() -> None:
    """Five reminders wait in the limiter when a person's press needs an edit: the edit goes
    next, not after the five."""
    pace, order = SteadyPace(29), []
    tasks = await _requests(pace, ["send0", "send1", "send2", "send3", "send4", "press"], order)
    await asyncio.gather(*tasks)
    assert order[:3] == ["send0", "send1", "press"]
    assert sorted(order) == ["press", "send0", "send1", "send2", "send3", "send4"]


async def test_requests_of_one_kind_keep_their_order_and_a_cancelled_one_is_skipped() -> None:
    pace, order = SteadyPace(29), []
    tasks = await _requests(pace, ["send0", "send1", "send2", "send3", "press0", "press1"], order)
    tasks[2].cancel()  # send2 gives up while waiting for its turn
    await asyncio.gather(*tasks, return_exceptions=True)
    assert order == ["send0", "send1", "press0", "press1", "send3"]
