"""End to end through the emulator: greeting, setup, a reminder, a confirmation, /stats, restart."""

from __future__ import annotations

from sqlmodel import select

from bot.clock import FakeClock
from bot.demo.harness import LocalBot, emulator_for, local_bot
from bot.store.models import Confirmation, Enterprise, OccurrenceRow, ReminderRow
from tests.conftest import local
from tests.fakes.group import group_with_bot

LEADER = "leader-inspection"


def _enterprise(bot: LocalBot, chat_id: int) -> Enterprise | None:
    with bot.ctx.session() as s:
        return s.exec(select(Enterprise).where(Enterprise.chat_id == chat_id)).first()


def _leader_occurrence(bot: LocalBot, label: str) -> OccurrenceRow:
    with bot.ctx.session() as s:
        occ = s.exec(
            select(OccurrenceRow).where(
                OccurrenceRow.obligation_id == LEADER, OccurrenceRow.label == label
            )
        ).one()
    return occ


def _message_with_button(bot: LocalBot, chat_id: int, data: str):  # type: ignore[no-untyped-def]
    for message in bot.emulator.sent(chat_id):
        if any(cb == data for _, cb in message.buttons()):
            return message
    return None


async def test_greeting_when_added_says_how_to_set_up(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    greeting = bot.emulator.sent(group.chat_id)[0]
    assert "/setup" in (greeting.text or "")
    assert "一线安全助手" in (greeting.text or "")


async def test_non_admin_setup_is_refused_and_nothing_stored(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    reply = await group.say(group.worker, "/setup 危险化学品 某某化工有限公司")
    assert "管理员" in (reply.text or "")
    assert _enterprise(bot, group.chat_id) is None


async def test_admin_setup_in_one_line_stores_the_enterprise(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    reply = await group.setup()
    assert "某某化工有限公司" in (reply.text or "")
    enterprise = _enterprise(bot, group.chat_id)
    assert enterprise is not None
    assert (enterprise.sector, enterprise.high_risk) == ("hazardous_chemicals", True)
    assert (enterprise.timezone, enterprise.locale) == ("Asia/Shanghai", "zh_CN")


async def test_unknown_sector_gets_the_list_of_sectors(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    reply = await group.say(group.admin, "/setup 养猪场 某某农场")
    assert "养猪场" in (reply.text or "") and "危险化学品" in (reply.text or "")
    assert _enterprise(bot, group.chat_id) is None


async def test_guided_setup_with_sector_buttons_and_name_prompt(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    emu = bot.emulator
    prompt = await group.say(group.admin, "/setup")
    assert ("建筑施工", "st:construction") in prompt.buttons()
    after = emu.cursor(group.chat_id)
    emu.press_button(group.chat, group.admin, prompt.message_id, data="st:construction")
    regions = await emu.wait_for_message(group.chat_id, after=after)
    assert regions.buttons()[0] == ("仅国家规定", "rg:national")
    after = emu.cursor(group.chat_id)
    emu.press_button(group.chat, group.admin, regions.message_id, data="rg:hubei")
    patterns = await emu.wait_for_message(group.chat_id, after=after)
    assert "湖北省" in (patterns.text or "")
    after = emu.cursor(group.chat_id)
    emu.press_button(group.chat, group.admin, patterns.message_id, data="wp:3")
    ask = await emu.wait_for_message(group.chat_id, after=after)
    assert "湖北省" in (ask.text or "")
    after = emu.cursor(group.chat_id)
    emu.send_text(group.chat, group.admin, "某某建设集团", reply_to=ask.message_id)
    await emu.wait_for_message(group.chat_id, after=after)
    enterprise = _enterprise(bot, group.chat_id)
    assert enterprise is not None
    assert (enterprise.name, enterprise.sector, enterprise.high_risk, enterprise.region) == (
        "某某建设集团",
        "construction",
        True,
        "hubei",
    )
    assert (enterprise.work_pattern, enterprise.shift_starts) == ("continuous", "00:00,08:00,16:00")


async def test_leader_inspection_reminder_confirm_once(bot: LocalBot, clock: FakeClock) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    december = _leader_occurrence(bot, "2026-12")  # high-risk: monthly
    # 7 days before the last workday of December, in that morning's 08:00 digest
    await bot.tick_at(local(2026, 12, 24, 8, 0))
    data = f"cf:{december.id}"
    reminder = _message_with_button(bot, group.chat_id, data)
    assert reminder is not None, "no reminder with a confirm button for the leader inspection"
    assert "主要负责人带队检查" in (reminder.text or "")
    assert "主要负责人带队检查 — 12月31日到期，还剩 7 天" in (reminder.text or "")

    emu = bot.emulator
    first = emu.press_button(group.chat, group.admin, reminder.message_id, data=data)
    assert "已确认" in (await emu.wait_for_callback_answer(first)).get("text", "")
    edited = await emu.wait_for(
        lambda: (
            (m := emu.message(group.chat_id, reminder.message_id)).edits
            and "张主任" in (m.text or "")
            and m
        )
    )
    assert data not in [cb for _, cb in edited.buttons()], "a done item keeps no confirm button"
    second = emu.press_raw(group.chat, group.admin, reminder.message_id, data)  # a stale client
    answer = await emu.wait_for_callback_answer(second)
    assert "已经确认过" in answer.get("text", "")
    with bot.ctx.session() as s:
        rows = s.exec(select(Confirmation).where(Confirmation.occurrence_id == december.id)).all()
    assert [(r.user_id, r.user_name) for r in rows] == [(group.admin["id"], "张主任")]


async def test_stats_shows_due_done_and_overdue(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    december = _leader_occurrence(bot, "2026-12")
    await bot.tick_at(local(2026, 12, 24, 9, 0))
    reminder = _message_with_button(bot, group.chat_id, f"cf:{december.id}")
    assert reminder is not None
    await bot.emulator.wait_for_callback_answer(
        bot.emulator.press_button(
            group.chat, group.admin, reminder.message_id, data=f"cf:{december.id}"
        )
    )
    bot.clock.set(local(2027, 1, 6, 10, 0))
    stats = await group.say(group.admin, "/stats", expect="📊")
    text = stats.text or ""
    assert "已完成 1 项" in text or ("已完成" in text and "主要负责人带队检查" in text)
    assert "逾期" in text


async def test_reminder_survives_a_restart_sent_once(database_url: str, clock: FakeClock) -> None:
    """Stop the bot before a reminder is due, start it after: it is sent once, not lost, not twice."""
    emulator = emulator_for(clock)
    await emulator.start()  # "Telegram" stays up while the bot restarts
    try:
        async with local_bot(database_url=database_url, clock=clock, emulator=emulator) as first:
            group = await group_with_bot(first)
            await group.setup()
            december = _leader_occurrence(first, "2026-12")
        clock.set(
            local(2026, 12, 24, 9, 5)
        )  # the lead-7 reminder fired at 09:00 while we were down
        async with local_bot(database_url=database_url, clock=clock, emulator=emulator) as second:
            report = await second.tick()
            again = await second.tick()
            data = f"cf:{december.id}"
            carrying = [
                m for m in emulator.sent(group.chat_id) if any(cb == data for _, cb in m.buttons())
            ]
            assert len(carrying) == 1
            assert report.sent >= 1 and again.sent == 0
            with second.ctx.session() as s:
                states = s.exec(
                    select(ReminderRow.kind, ReminderRow.state).where(
                        ReminderRow.occurrence_id == december.id
                    )
                ).all()
            assert ("lead-7", "sent") in states
            assert all(state == "pending" for kind, state in states if kind != "lead-7")
    finally:
        await emulator.stop()


def _future_obligations(bot: LocalBot) -> set[str]:
    with bot.ctx.session() as s:
        return set(
            s.exec(
                select(OccurrenceRow.obligation_id).where(
                    OccurrenceRow.window_start > local(2026, 12, 2).date()
                )
            ).all()
        )


async def test_region_profile_narrows_the_work_lists(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    assert "daily-control" in _future_obligations(bot)  # 日管控 comes from the Hubei lists
    shown = await group.say(group.admin, "/region", expect="/region")
    assert "hubei" in (shown.text or "")
    refused = await group.say(group.worker, "/region hunan")
    assert "管理员" in (refused.text or "")
    unknown = await group.say(group.admin, "/region mars")
    assert "mars" in (unknown.text or "")
    await group.say(group.admin, "/region shanxi", expect="山西")
    enterprise = _enterprise(bot, group.chat_id)
    assert enterprise is not None and enterprise.region == "xinzhou"  # Xinzhou's is Shanxi's list
    await bot.tick_at(local(2026, 12, 2, 9, 0))
    assert "daily-control" not in _future_obligations(bot)
    assert _leader_occurrence(bot, "2026-12").status == "open"  # Xinzhou's list has it too
