"""One rule closes an occurrence and reopens it: confirm and ↩️ undo agree (issue 14, item 2).

A per-person duty (everyone on the roster confirms for themselves) is done only when the whole
roster has confirmed, even when the roster is larger than the quota; taking one confirmation
back must reopen it, as it does for an ordinary duty.
"""

from __future__ import annotations

import datetime as dt

from bot.demo.harness import LocalBot
from bot.emulator import BotMessage
from tests.conftest import local
from tests.fakes.group import Group, group_with_bot
from tests.integration.test_reminders import carrying, leader_reminder, occurrence
from tests.integration.test_reminders import press as press_now


async def press(group: Group, user: dict, message: BotMessage, data: str) -> str:
    """Press the button once the (edited) message shows it; the bot's answer text."""
    emu = group.bot.emulator
    current = await emu.wait_for(
        lambda: (
            (m := emu.message(group.chat_id, message.message_id))
            and data in [cb for _, cb in m.buttons()]
            and m
        )
    )
    return await press_now(group, user, current, data)


def _education(bot: LocalBot) -> str:
    return occurrence(bot, "warning-education", "2026").status


async def _education_with_two_on_the_roster(bot: LocalBot) -> tuple[Group, int]:
    group = await group_with_bot(bot)
    await group.setup()
    await group.say(group.admin, "/region shanxi")  # warning education for all staff: S4#17
    await group.say(group.worker, "/join", expect="名单")
    await group.say(group.admin, "/join", expect="名单")
    await bot.tick_at(local(2026, 12, 1, 9, 0))
    education = occurrence(bot, "warning-education", "2026")
    assert education.quota == 1  # the roster (2) is larger than the quota
    assert education.id is not None
    return group, education.id


async def test_undo_reopens_a_per_person_duty_the_whole_roster_had_confirmed(
    bot: LocalBot,
) -> None:
    group, occ_id = await _education_with_two_on_the_roster(bot)
    emu = bot.emulator
    message = carrying(bot, group.chat_id, f"cf:{occ_id}")
    await press(group, group.worker, message, f"cf:{occ_id}")
    assert _education(bot) == "open"  # one of two
    await press(group, group.admin, message, f"cf:{occ_id}")
    await emu.wait_for(lambda: _education(bot) == "done")

    answer = await press(group, group.worker, message, f"ud:{occ_id}")
    assert "撤销" in answer
    assert _education(bot) == "open"
    edited = await emu.wait_for(  # the worker is named as missing again
        lambda: (
            (m := emu.message(group.chat_id, message.message_id))
            and "王师傅" in (m.text or "").split("尚未确认")[-1]
            and m
        )
    )

    await press(group, group.worker, edited, f"cf:{occ_id}")  # and confirming closes it again
    assert _education(bot) == "done"


async def test_after_an_undo_only_the_missing_person_closes_a_per_person_duty(
    bot: LocalBot,
) -> None:
    group, occ_id = await _education_with_two_on_the_roster(bot)
    emu = bot.emulator
    third = emu.create_user("李工", username="li")
    await group.say(third, "/join", expect="名单")  # roster 3, quota 1
    message = carrying(bot, group.chat_id, f"cf:{occ_id}")
    for person in (group.worker, group.admin, third):
        bot.clock.advance(dt.timedelta(minutes=1))
        await press(group, person, message, f"cf:{occ_id}")
    assert _education(bot) == "done"
    await press(group, group.admin, message, f"ud:{occ_id}")  # an admin takes back the latest
    assert _education(bot) == "open"
    answer = await press(group, group.worker, message, f"cf:{occ_id}")  # already confirmed
    assert "已" in answer and _education(bot) == "open"
    await press(group, third, message, f"cf:{occ_id}")
    assert _education(bot) == "done"


async def test_confirm_then_undo_reopens_an_ordinary_duty(bot: LocalBot) -> None:
    group, december, reminder = await leader_reminder(bot)
    await press(group, group.admin, reminder, f"cf:{december.id}")
    assert occurrence(bot, "leader-inspection", "2026-12").status == "done"
    await press(group, group.admin, reminder, f"ud:{december.id}")
    assert occurrence(bot, "leader-inspection", "2026-12").status == "open"
