"""What a group sees of materialization: far-ahead duties listed, a bot that answers meanwhile."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

import bot.telegram.runtime as runtime_module
from bot.clock import FakeClock
from bot.demo.harness import LocalBot
from tests.conftest import local
from tests.fakes.group import group_with_bot


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(local(2027, 3, 1, 9, 0))  # a Monday; the default horizon ends mid-April


async def test_due_lists_a_yearly_duty_from_the_first_day_of_its_window(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    due = await group.say(group.admin, "/due", expect="待办")
    assert "年度任务清单与全员安全生产责任制考核" in (due.text or "")  # due 31 December
    assert "2027年12月31日" in (due.text or "")


async def test_obligations_give_a_next_due_date_beyond_the_horizon(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    listing = await group.say(group.admin, "/obligations", expect="事项")
    lines = (listing.text or "").splitlines()
    budget = next(line for line in lines if "安全生产费用纳入年度预算" in line)
    assert "2027年12月31日" in budget  # its window opens on 1 November: nothing stored yet
    month = next(line for line in lines if "安全生产月" in line)
    assert "2027年6月1日" in month


async def test_the_bot_answers_while_a_tick_materializes(
    bot: LocalBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    started, release = threading.Event(), threading.Event()
    real = runtime_module.materialize_stale

    def slow(session: Any, **kwargs: Any) -> int:
        started.set()
        release.wait(timeout=30)  # on the event loop this would freeze the bot
        return real(session, **kwargs)

    monkeypatch.setattr(runtime_module, "materialize_stale", slow)
    tick = asyncio.create_task(bot.tick())
    assert await asyncio.to_thread(started.wait, 10), "the tick never began materializing"
    try:
        due = await group.say(group.admin, "/due", expect="待办")
        assert "日管控" in (due.text or "") and not tick.done()
    finally:
        release.set()
    await tick
