"""Two dispatchers and a wave that outlasts the lease: renewed, fenced, never sent twice.

Telegram (the emulator) holds a send until the test lets it through, and the test moves the
clock past ``CLAIM_LEASE_SECONDS`` meanwhile; a second dispatcher then looks for due rows.
The heartbeat keeps the first wave's claim alive, so the second finds nothing. When the first
process stalled for a whole lease (its heartbeat never ran), the second takes the rows; the
first then sends none of the rows it lost and records none, logs one line and counts it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
from collections import Counter

import pytest
from sqlmodel import select

from bot.clock import FakeClock
from bot.demo.harness import LocalBot
from bot.services.reminders.dispatcher import Dispatcher
from bot.store.models import ReminderRow
from tests.conftest import local
from tests.fakes.group import Group, group_with_bot
from tests.integration.test_delivery_faults import unrecorded_posts

DUE = local(2026, 12, 1, 9, 0)


def posts(bot: LocalBot, chat_id: int) -> Counter[str]:
    """How many messages carried each ✅ button in the chat when they were posted.

    A newer digest removes the buttons of an older reminder (the crash window's duplicate
    too), so the buttons are read from what was posted, not from what the chat shows now.
    """
    seen: Counter[str] = Counter()
    for message in bot.emulator.sent(chat_id):
        seen.update(cb for _, cb in message.posted_buttons() if cb and cb.startswith("cf:"))
    return seen


def claimed(bot: LocalBot) -> list[ReminderRow]:
    with bot.ctx.session() as s:
        return list(s.exec(select(ReminderRow).where(ReminderRow.state == "claimed")).all())


async def two_groups(bot: LocalBot) -> tuple[Group, Group, Dispatcher, Dispatcher]:
    groups = []
    for name in ("甲化工有限公司", "乙化工有限公司"):
        group = await group_with_bot(bot)
        await group.setup(name=name)
        groups.append(group)
    first = bot.runtime.dispatcher
    assert first is not None
    first.concurrency = 1  # one chat at a time: the second waits while the first is held
    second = Dispatcher(bot.ctx, first.notifier, worker="second-instance")
    bot.clock.set(DUE)
    return groups[0], groups[1], first, second


async def test_a_wave_outlasting_the_lease_keeps_its_claim(bot: LocalBot) -> None:
    one, two, first, second = await two_groups(bot)
    metrics = bot.metrics
    emu = bot.emulator
    hold = emu.hold_sends(chat_id=one.chat_id)
    renewed = asyncio.Event()
    first.renew_listeners.append(lambda _kept: renewed.set())
    wave = asyncio.create_task(bot.runtime.tick())
    await emu.wait_for(lambda: hold.waiting == 1)
    third = dt.timedelta(seconds=bot.ctx.settings.claim_lease_seconds / 3)
    for _ in range(5):  # 5/3 of the lease pass while Telegram holds the send
        renewed.clear()
        bot.clock.advance(third)
        await asyncio.wait_for(renewed.wait(), timeout=10)
        other = await second.run_once()
        assert other.sent == other.messages == 0, "the second dispatcher took a live claim"
    hold.release()
    report = await wave
    assert report.lost == 0 and report.sent > 0
    for group in (one, two):
        assert posts(bot, group.chat_id) and max(posts(bot, group.chat_id).values()) == 1
    assert unrecorded_posts(bot, [one.chat_id, two.chat_id]) == 0 and claimed(bot) == []
    assert (metrics.registry.get_sample_value("safetybot_lease_renewals_total") or 0) >= 5


async def test_a_lost_claim_is_logged_counted_and_not_sent_again(
    bot: LocalBot, caplog: pytest.LogCaptureFixture
) -> None:
    one, two, first, _ = await two_groups(bot)
    metrics = bot.metrics
    emu = bot.emulator
    hold = emu.hold_sends(times=1)  # whichever chat the first dispatcher posts to first
    wave = asyncio.create_task(bot.runtime.tick())
    await emu.wait_for(lambda: hold.waiting == 1)
    in_flight = int(hold.chat_ids[0])  # type: ignore[call-overload]
    waiting = two.chat_id if in_flight == one.chat_id else one.chat_id
    stall = dt.timedelta(seconds=bot.ctx.settings.claim_lease_seconds + 1)
    # The first process stalls for a whole lease (its clock, and so its heartbeat, stands
    # still); for the second instance that time has passed, and it claims the rows.
    later = dataclasses.replace(bot.ctx, clock=FakeClock(bot.clock.now() + stall))
    second = Dispatcher(later, first.notifier, worker="second-instance")
    with caplog.at_level(logging.WARNING, logger="bot.services.reminders.dispatcher"):
        other = await second.run_once()
        bot.clock.advance(stall)  # the first process resumes
        hold.release()
        report = await wave
    assert other.messages == 2 and report.lost > 0
    lines = [r for r in caplog.records if "lost" in r.getMessage()]
    assert len(lines) == 1 and lines[0].exc_info is None
    assert metrics.registry.get_sample_value("safetybot_claims_lost_total") == report.lost
    # The chat the first had not reached yet gets its reminders once, from the second.
    assert max(posts(bot, waiting).values()) == 1
    # The send in flight when the claim was lost went out twice: the window, recorded once.
    assert max(posts(bot, in_flight).values()) == 2
    assert unrecorded_posts(bot, [one.chat_id, two.chat_id]) == 1 and claimed(bot) == []
