"""Reminders as a safety manager uses them: snooze, evidence, undo, roster, /due, /obligations."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from bot.demo.harness import LocalBot
from bot.emulator import BotMessage
from bot.store.models import Confirmation, Evidence, OccurrenceRow, ReminderRow
from tests.conftest import local
from tests.fakes.group import Group, group_with_bot


def occurrence(
    bot: LocalBot, obligation: str, label: str, area: str | None = None
) -> OccurrenceRow:
    with bot.ctx.session() as s:
        stmt = select(OccurrenceRow).where(
            OccurrenceRow.obligation_id == obligation, OccurrenceRow.label == label
        )
        if area:
            stmt = stmt.where(OccurrenceRow.area == area)
        return s.exec(stmt).one()


def carrying(bot: LocalBot, chat_id: int, data: str) -> BotMessage:
    found = [m for m in bot.emulator.sent(chat_id) if any(cb == data for _, cb in m.buttons())]
    assert found, f"no message carries {data}"
    return found[-1]


async def press(group: Group, user: dict, message: BotMessage, data: str) -> str:
    emu = group.bot.emulator
    answer = await emu.wait_for_callback_answer(
        emu.press_button(group.chat, user, message.message_id, data=data)
    )
    return str(answer.get("text", ""))


async def leader_reminder(
    bot: LocalBot, region: str | None = None
) -> tuple[Group, OccurrenceRow, BotMessage]:
    """A registered high-risk group with December's leader-inspection reminder posted (lead-7)."""
    group = await group_with_bot(bot)
    await group.setup()
    if region is not None:
        await group.say(group.admin, f"/region {region}")
    december = occurrence(bot, "leader-inspection", "2026-12")
    for day in range(1, 25):  # the bot ticks every day, as the JobQueue would
        await bot.tick_at(local(2026, 12, day, 9, 0))
    return group, december, carrying(bot, group.chat_id, f"cf:{december.id}")


async def test_snooze_brings_the_reminder_back_later(bot: LocalBot) -> None:
    group, december, reminder = await leader_reminder(bot)
    emu = bot.emulator
    await press(group, group.admin, reminder, f"sm:{december.id}")
    await emu.wait_for(  # the keyboard became the snooze choices
        lambda: any(
            (cb or "").startswith("sz:")
            for _, cb in emu.message(group.chat_id, reminder.message_id).buttons()
        )
    )
    answer = await press(
        group, group.admin, emu.message(group.chat_id, reminder.message_id), f"sz:{december.id}:h1"
    )
    assert "再次提醒" in answer
    before = len(emu.sent(group.chat_id))
    await bot.tick_at(local(2026, 12, 24, 10, 1))
    new = emu.sent(group.chat_id)[before:]
    assert any(f"cf:{december.id}" in [cb for _, cb in m.buttons()] for m in new)
    with bot.ctx.session() as s:
        kinds = s.exec(
            select(ReminderRow.kind).where(ReminderRow.occurrence_id == december.id)
        ).all()
    assert "snooze-1" in kinds


async def test_confirmation_asks_for_evidence_and_keeps_the_photo(bot: LocalBot) -> None:
    group, december, reminder = await leader_reminder(bot)
    emu = bot.emulator
    after = emu.cursor(group.chat_id)
    await press(group, group.admin, reminder, f"cf:{december.id}")
    prompt = await emu.wait_for_message(
        group.chat_id, lambda m: "佐证" in (m.text or ""), after=after
    )
    after = emu.cursor(group.chat_id)
    photo = emu.send_photo(
        group.chat, group.admin, caption="现场检查照片", reply_to=prompt.message_id
    )
    saved = await emu.wait_for_message(
        group.chat_id, lambda m: "已保存" in (m.text or ""), after=after
    )
    assert "主要负责人带队检查" in (saved.text or "")
    with bot.ctx.session() as s:
        rows = s.exec(select(Evidence).where(Evidence.occurrence_id == december.id)).all()
    assert [(r.kind, r.file_id, r.text) for r in rows] == [
        ("photo", photo["photo"][-1]["file_id"], "现场检查照片")
    ]
    # the stored file id can be sent back
    menu = await group.item_menu(group.admin, reminder, december.id or 0)
    after = emu.cursor(group.chat_id)
    await press(group, group.admin, menu, f"ev:{december.id}")
    more = await emu.wait_for_message(
        group.chat_id, lambda m: "佐证" in (m.text or ""), after=after
    )
    after = emu.cursor(group.chat_id)
    emu.send_text(group.chat, group.worker, "复查：消防通道已清理", reply_to=more.message_id)
    await emu.wait_for_message(group.chat_id, lambda m: "共 2 件" in (m.text or ""), after=after)


async def test_undo_within_the_window_by_the_same_person_only(bot: LocalBot, clock) -> None:  # type: ignore[no-untyped-def]
    group, december, reminder = await leader_reminder(bot)
    await press(group, group.worker, reminder, f"cf:{december.id}")
    emu = bot.emulator
    await emu.wait_for(
        lambda: (
            f"ud:{december.id}"
            in [cb for _, cb in emu.message(group.chat_id, reminder.message_id).buttons()]
        )
    )
    edited = emu.message(group.chat_id, reminder.message_id)
    answer = await press(group, group.worker, edited, f"ud:{december.id}")
    assert "撤销" in answer
    assert occurrence(bot, "leader-inspection", "2026-12").status == "open"
    # confirm again, then try to undo too late
    await emu.wait_for(
        lambda: (
            f"cf:{december.id}"
            in [cb for _, cb in emu.message(group.chat_id, reminder.message_id).buttons()]
        )
    )
    await press(
        group, group.worker, emu.message(group.chat_id, reminder.message_id), f"cf:{december.id}"
    )
    clock.advance(dt.timedelta(minutes=11))
    late = bot.emulator.press_raw(
        group.chat, group.worker, reminder.message_id, f"ud:{december.id}"
    )
    assert "超时" in (await bot.emulator.wait_for_callback_answer(late)).get("text", "")
    assert occurrence(bot, "leader-inspection", "2026-12").status == "done"


async def test_per_person_duty_names_who_has_not_confirmed(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    await group.say(group.admin, "/region xinzhou")  # warning education: Xinzhou's S4#17
    await group.say(group.worker, "/join", expect="名单")
    await group.say(group.admin, "/join", expect="名单")
    await bot.tick_at(local(2026, 12, 1, 8, 1))  # the day's digest
    education = occurrence(bot, "warning-education", "2026")
    message = carrying(bot, group.chat_id, f"cf:{education.id}")
    assert "尚未确认" in (message.text or "") and "王师傅" in (message.text or "")
    await press(group, group.worker, message, f"cf:{education.id}")
    emu = bot.emulator
    edited = await emu.wait_for(
        lambda: (m := emu.message(group.chat_id, message.message_id)).edits and m
    )
    text = edited.text or ""
    assert (
        "尚未确认" in text
        and "张主任" in text.split("尚未确认")[1]
        and "王师傅" not in text.split("尚未确认")[1]
    )
    assert occurrence(bot, "warning-education", "2026").status == "open"
    await press(group, group.admin, edited, f"cf:{education.id}")
    await emu.wait_for(lambda: occurrence(bot, "warning-education", "2026").status == "done")


async def test_due_lists_open_duties_with_buttons(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    bot.clock.set(local(2026, 12, 2, 10, 0))
    due = await group.say(group.admin, "/due", expect="待办")
    assert "日管控" in (due.text or "")
    assert any(cb and cb.startswith("cf:") for _, cb in due.buttons())


async def test_optional_obligations_can_be_switched_off_by_admins(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    listing = await group.say(group.admin, "/obligations", expect="事项")
    assert "主要负责人带队检查" in (listing.text or "")
    toggles = [cb for _, cb in listing.buttons() if cb and cb.startswith("ob:")]
    assert "ob:fire-safety-month" in toggles
    refused = bot.emulator.press_button(
        group.chat, group.worker, listing.message_id, data="ob:fire-safety-month"
    )
    assert "管理员" in (await bot.emulator.wait_for_callback_answer(refused)).get("text", "")
    await press(group, group.admin, listing, "ob:fire-safety-month")
    edited = await bot.emulator.wait_for(
        lambda: (m := bot.emulator.message(group.chat_id, listing.message_id)).edits and m
    )
    assert "启用：" in " ".join(t for t, _ in edited.buttons())
    with bot.ctx.session() as s:
        pending = s.exec(
            select(ReminderRow.state)
            .join(OccurrenceRow, OccurrenceRow.id == ReminderRow.occurrence_id)  # type: ignore[arg-type]
            .where(OccurrenceRow.obligation_id == "fire-safety-month")
        ).all()
    assert "pending" not in pending


async def test_officer_designation_and_escalation_reaches_them_privately(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    emu = bot.emulator
    emu.send_text(emu.private_chat(group.worker), group.worker, "/start")
    await emu.wait_for_message(group.worker["id"])
    await group.say(group.worker, "/join", expect="名单")
    refused = await group.say(group.worker, "/officer @wang")
    assert "管理员" in (refused.text or "")
    named = await group.say(group.admin, "/officer @wang", expect="安全管理员")
    assert "王师傅" in (named.text or "")
    for day in range(1, 32):
        await bot.tick_at(local(2026, 12, day, 9, 0))
    await bot.tick_at(local(2027, 1, 5, 9, 0))  # December duties escalate early in January
    private = [m for m in emu.sent(group.worker["id"]) if "逾期" in (m.text or "")]
    assert private, "the safety officer got no escalation"


async def test_forged_and_stale_buttons_change_nothing(bot: LocalBot) -> None:
    _, december, _ = await leader_reminder(bot)
    other = await group_with_bot(bot)
    await other.setup("建筑施工", "另一家建设公司")
    emu = bot.emulator
    for data in (
        f"cf:{december.id}",
        "cf:999999",
        "cf:abc",
        "zz",
        f"ud:{december.id}",
        f"sz:{december.id}:h9",
    ):
        cq = emu.press_raw(other.chat, other.admin, 1, data)
        await emu.wait_for_callback_answer(cq)
    with bot.ctx.session() as s:
        assert s.exec(select(Confirmation)).all() == []
        assert s.get(OccurrenceRow, december.id).status == "open"  # type: ignore[union-attr]


async def test_confirming_an_inspection_offers_the_knowledge_check(bot: LocalBot) -> None:
    group, december, reminder = await leader_reminder(bot, region="ezhou")  # S1#37: 逢查必考
    emu = bot.emulator
    after = emu.cursor(group.chat_id)
    await press(group, group.admin, reminder, f"cf:{december.id}")
    prompt = await emu.wait_for_message(
        group.chat_id, lambda m: "逢查必考" in (m.text or ""), after=after
    )
    assert any((cb or "").startswith("qz") for _, cb in prompt.buttons())


async def test_the_tick_ends_a_drill_left_running(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    await group.say(group.admin, "/drill 火灾 生产 2", expect="火灾")
    bot.clock.advance(dt.timedelta(minutes=61))
    after = bot.emulator.cursor(group.chat_id)
    await bot.tick()
    await bot.emulator.wait_for_message(
        group.chat_id, lambda m: "演练报告" in (m.text or ""), after=after
    )
