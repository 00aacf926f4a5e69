"""Refusals a retry may not fix (400 TOPIC_CLOSED …): capped, failed, counted, told, one line each.

They used to be retried on every tick forever, each time with a 3 KB traceback in the log.
"""

from __future__ import annotations

import logging
from collections import Counter

import pytest
from sqlmodel import select

from bot.demo.harness import LocalBot
from bot.services.reminders.dispatch_types import OutgoingReminder
from bot.store.models import ReminderRow
from tests.conftest import local
from tests.fakes.group import Group, group_with_bot

DISPATCHER = "bot.services.reminders.dispatcher"


def reminder_states(bot: LocalBot) -> Counter[tuple[str, str | None]]:
    with bot.ctx.session() as s:
        rows = s.exec(select(ReminderRow).where(ReminderRow.attempts > 0)).all()
    return Counter((r.state, r.last_error) for r in rows)


async def named_officer(group: Group) -> int:
    emu = group.bot.emulator
    emu.send_text(emu.private_chat(group.worker), group.worker, "/start")
    await emu.wait_for_message(group.worker["id"])
    await group.say(group.worker, "/join", expect="名单")
    await group.say(group.admin, "/officer @wang", expect="安全管理员")
    return int(group.worker["id"])


async def test_topic_closed_fails_after_the_cap_and_the_officer_is_told(
    bot: LocalBot, caplog: pytest.LogCaptureFixture
) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    officer = await named_officer(group)
    metrics = bot.metrics
    emu, cap = bot.emulator, bot.ctx.settings.reminder_max_failures
    emu.inject_error(
        "sendMessage",
        error_code=400,
        description="Bad Request: TOPIC_CLOSED",
        times=1000,
        chat_id=group.chat_id,
    )
    with caplog.at_level(logging.INFO, logger=DISPATCHER):
        for minute in range(cap + 3):  # the cap, then ticks that must not try again
            await bot.tick_at(local(2026, 12, 1, 9, minute))
    refused = [c for c in emu.calls if c.method == "sendMessage" and c.status == 400]
    assert len(refused) == cap
    lines = [r for r in caplog.records if "TOPIC_CLOSED" in r.getMessage().upper()]
    assert len(lines) == cap, "one line per failure"
    assert all(r.exc_info is None for r in lines), "no traceback"
    assert "marked failed" in lines[-1].getMessage()
    states = reminder_states(bot)
    assert set(states) == {("failed", "topic_closed: Topic_closed")}
    failed = sum(states.values())
    sample = metrics.registry.get_sample_value
    assert sample("safetybot_reminders_failed_total", {"reason": "topic_closed"}) == failed
    told = [m for m in emu.sent(officer) if "话题已关闭" in (m.text or "")]
    assert len(told) == 1 and "5 次" in (told[0].text or "")
    assert emu.sent(group.chat_id)[-1].text is not None  # the group itself is left alone


async def test_a_bug_while_sending_is_capped_and_traced_once(
    bot: LocalBot, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    dispatcher = bot.runtime.dispatcher
    assert dispatcher is not None

    async def broken(outgoing: OutgoingReminder) -> int:
        raise KeyError("a template variable")

    monkeypatch.setattr(dispatcher.notifier, "send_reminder", broken)
    cap = bot.ctx.settings.reminder_max_failures
    with caplog.at_level(logging.WARNING, logger=DISPATCHER):
        for minute in range(cap + 2):
            await bot.tick_at(local(2026, 12, 1, 9, minute))
    lines = [r for r in caplog.records if "KeyError" in r.getMessage()]
    assert len(lines) == cap and [bool(r.exc_info) for r in lines] == [True] + [False] * (cap - 1)
    assert {state for state, _ in reminder_states(bot)} == {"failed"}
