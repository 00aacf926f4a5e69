"""The daily digest (issue 17): one notifying message a day, tidy, readable, and the admins'."""

from __future__ import annotations

import io

from sqlmodel import col, select

from bot.demo import play_demo
from bot.demo.harness import LocalBot
from bot.emulator import BotMessage
from bot.store.models import Enterprise, OccurrenceRow, ReminderRow
from tests.conftest import local
from tests.fakes.group import Group, forum_group_with_bot, group_with_bot
from tests.integration.test_reminders import carrying, occurrence, press

HEADER = "安全提醒汇总"


async def digest_at(
    bot: LocalBot, group: Group, day: int, hour: int = 8, minute: int = 0
) -> list[BotMessage]:
    """Tick at 2026-12-``day`` ``hour``:``minute``; the bot's new messages in the group."""
    after = bot.emulator.cursor(group.chat_id)
    await bot.tick_at(local(2026, 12, day, hour, minute))
    return [m for m in bot.emulator.sent(group.chat_id) if m.message_id > after]


async def registered(bot: LocalBot) -> Group:
    """A group set up at 08:00 on 1 December, whose first digest (that morning's) is out."""
    group = await group_with_bot(bot)
    await group.setup()
    await bot.tick_at(local(2026, 12, 1, 8, 1))
    return group


async def test_a_days_reminders_come_as_one_notifying_digest(bot: LocalBot) -> None:
    group = await registered(bot)
    [digest] = await digest_at(bot, group, 2)
    text = digest.text or ""
    assert text.startswith(f"📋 {HEADER} · 12月2日")
    today, soon = text.split("🔔 今天到期")[1].split("⏰ 即将到期")
    assert "日管控" in today and "周排查 — 12月4日到期，还剩 2 天" in soon
    assert "依据" not in text and "《" not in text, "the sources sit behind a button"
    assert not digest.silent, "the digest is the one message that notifies"
    assert await digest_at(bot, group, 2, 9, 0) == []
    assert await digest_at(bot, group, 2, 17, 0) == []
    reply = await group.say(group.worker, "/due")
    assert reply.silent, "answers and routine messages are silent in a group"


async def test_buttons_name_their_item_and_keep_it_once_confirmed(bot: LocalBot) -> None:
    group = await registered(bot)
    await group.say(group.admin, "/region xinzhou")  # evacuation drills per area (S4)
    await digest_at(bot, group, 1, 8, 2)
    drill = occurrence(bot, "evacuation-drill", "2026-H2", area="production")
    message = carrying(bot, group.chat_id, f"cf:{drill.id}")
    labels = [t for t, cb in message.buttons() if cb == f"cf:{drill.id}"]
    assert labels == ["✅ 疏散逃生演练·生产区"]
    await press(group, group.admin, message, f"cf:{drill.id}")
    emu = bot.emulator
    edited = await emu.wait_for(
        lambda: (m := emu.message(group.chat_id, message.message_id)).edits and m
    )
    assert [t for t, cb in edited.buttons() if cb == f"ud:{drill.id}"] == [
        "↩️ 撤销 疏散逃生演练·生产区"
    ]
    item = (edited.text or "").split("疏散逃生演练 · 生产区")[1].split("•")[0]
    assert "张主任 于 12月1日 08:02 确认完成" in item, "who confirmed belongs to its item"


async def test_the_sources_open_and_close_behind_one_button(bot: LocalBot) -> None:
    group = await registered(bot)
    [digest] = await digest_at(bot, group, 2)
    emu = bot.emulator
    [toggle] = [cb for t, cb in digest.buttons() if t == "📖 依据"]
    await emu.wait_for_callback_answer(
        emu.press_button(group.chat, group.worker, digest.message_id, data=toggle)
    )
    shown = await emu.wait_for(
        lambda: (m := emu.message(group.chat_id, digest.message_id)).edits and m
    )
    assert "《" in (shown.text or "") and "重点部位" in (shown.text or "")  # 日管控's description
    [hide] = [cb for t, cb in shown.buttons() if t == "📖 收起依据"]
    await emu.wait_for_callback_answer(
        emu.press_button(group.chat, group.worker, digest.message_id, data=hide)
    )
    hidden = await emu.wait_for(
        lambda: len((m := emu.message(group.chat_id, digest.message_id)).edits) == 2 and m
    )
    assert "《" not in (hidden.text or "")


async def test_the_next_digest_tidies_the_last_one(bot: LocalBot) -> None:
    group = await registered(bot)
    [old] = await digest_at(bot, group, 2)
    daily = occurrence(bot, "daily-control", "2026-12-02")
    emu = bot.emulator
    after = emu.cursor(group.chat_id)
    await press(group, group.worker, old, f"cf:{daily.id}")
    prompt = await emu.wait_for_message(
        group.chat_id, lambda m: "佐证" in (m.text or ""), after=after
    )
    assert prompt.silent
    [new] = await digest_at(bot, group, 3)
    tidied = emu.message(group.chat_id, old.message_id)
    assert tidied.buttons() == [], "a superseded reminder keeps no buttons"
    assert "日管控 — ✅ 王师傅 于 12月2日 08:00 确认完成" in (tidied.text or "")
    assert "周排查 — 未完成（12月4日到期），见 /due" in (tidied.text or ""), "not in the new digest"
    assert HEADER in (new.text or "") and new.buttons()
    # an old client still shows the buttons: a press changes the item, not the tidy message
    weekly = occurrence(bot, "weekly-check", "2026-W49")
    await emu.wait_for_callback_answer(
        emu.press_raw(group.chat, group.worker, old.message_id, f"cf:{weekly.id}")
    )
    assert emu.message(group.chat_id, old.message_id).buttons() == []


async def test_admins_choose_the_time_and_bad_times_are_refused(bot: LocalBot) -> None:
    group = await registered(bot)
    refused = await group.say(group.worker, "/digest 07:30")
    assert "只有群管理员" in (refused.text or "")
    for typed in ("25:00", "8点半"):
        answer = await group.say(group.admin, f"/digest {typed}")
        assert f"“{typed}”不是可用的时间" in (answer.text or "")
        assert "/digest 07:30" in (answer.text or "") and "未做任何更改" in (answer.text or "")
    with bot.ctx.session() as s:
        assert s.exec(select(Enterprise)).one().digest_time == "08:00"
    saved = await group.say(group.admin, "/digest 07:30")
    assert "已保存" in (saved.text or "") and "12月2日 07:30" in (saved.text or "")
    assert await digest_at(bot, group, 2, 7, 29) == []
    [digest] = await digest_at(bot, group, 2, 7, 30)
    assert HEADER in (digest.text or "")
    assert await digest_at(bot, group, 2, 8, 0) == [], "nothing left at the old time"


async def test_due_only_keeps_quiet_on_days_that_only_announce(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    await group.setup("其他", "某某商店")
    await group.say(group.admin, "/region national")  # no daily duty: some days only announce
    await bot.tick_at(local(2026, 12, 1, 8, 1))
    answer = await group.say(group.admin, "/digest due")
    assert "仅在有事项今天到期或已逾期时发送" in (answer.text or "")
    with bot.ctx.session() as s:
        rows = s.exec(
            select(ReminderRow)
            .where(ReminderRow.state == "pending")
            .order_by(col(ReminderRow.fire_at))
        ).all()
    by_moment: dict[object, list[str]] = {}
    for row in rows:
        by_moment.setdefault(row.fire_at, []).append(row.kind)
    quiet = next(m for m, kinds in by_moment.items() if all(k.startswith("lead-") for k in kinds))
    loud = next(m for m, kinds in by_moment.items() if "due" in kinds and m > quiet)
    after = bot.emulator.cursor(group.chat_id)
    await bot.tick_at(quiet)  # type: ignore[arg-type]
    assert bot.emulator.cursor(group.chat_id) == after
    with bot.ctx.session() as s:
        kept = s.exec(select(ReminderRow).where(ReminderRow.fire_at == quiet)).all()
    assert {(r.state, r.last_error) for r in kept} == {("skipped", "quiet")}
    await bot.tick_at(loud)  # type: ignore[arg-type]
    assert HEADER in (bot.emulator.sent(group.chat_id)[-1].text or "")


async def test_reminders_go_to_the_chosen_topic_and_fall_back_when_it_closes(
    bot: LocalBot,
) -> None:
    group = await forum_group_with_bot(bot)
    await group.setup()
    outside = await group.say(group.admin, "/topic")
    assert "请在要接收提醒的话题中发送 /topic" in (outside.text or "")
    chosen = await group.say_in_topic(group.admin, "/topic")
    assert "发送到本话题" in (chosen.text or "") and chosen.message_thread_id == group.topic
    [digest] = await digest_at(bot, group, 2)
    assert digest.message_thread_id == group.topic
    bot.emulator.close_topic(group.chat, group.admin, group.topic)
    notice, moved = await digest_at(bot, group, 3)
    assert "提醒话题已关闭" in (notice.text or "") and "/topic" in (notice.text or "")
    assert HEADER in (moved.text or "") and moved.message_thread_id is None
    with bot.ctx.session() as s:
        assert s.exec(select(Enterprise)).one().topic_id is None
    [later] = await digest_at(bot, group, 4)
    assert later.message_thread_id is None, "told once; the general chat from now on"


async def test_the_demo_month_is_calm_and_misses_nothing() -> None:
    out = io.StringIO()
    figures = await play_demo(locale="zh_CN", stream=out)
    per_day = figures.unsolicited
    assert sum(per_day.values()) / figures.days <= 1.2
    assert max(per_day.values()) <= 3
    assert figures.unreminded == [], "every duty due in the month was in a reminder"
    transcript = out.getvalue()
    assert "🔕" in transcript, "routine messages are silent"
    assert "(已编辑)" in transcript and "以往提醒" in transcript, "a stale reminder is tidied"
    assert "逾期已久，请安全管理员督办" in transcript, "an escalation"


def _event_reminders(bot: LocalBot) -> list[tuple[str, str]]:
    with bot.ctx.session() as s:
        rows = s.exec(
            select(ReminderRow.kind, ReminderRow.state)
            .join(OccurrenceRow, col(OccurrenceRow.id) == col(ReminderRow.occurrence_id))
            .where(col(OccurrenceRow.label).like("event-%"))
        ).all()
    return sorted((k, st) for k, st in rows)


async def test_a_new_digest_time_keeps_the_reminders_of_a_logged_event(bot: LocalBot) -> None:
    group = await registered(bot)
    await group.say(group.admin, "/event 重大隐患 2027-01-15 储罐区可燃气体报警失效", expect="2027")
    before = _event_reminders(bot)
    assert before and all(state == "pending" for _, state in before)
    await group.say(group.admin, "/digest 07:30", expect="已保存")
    await group.say(group.admin, "/shifts 08:00 16:00 00:00")
    assert _event_reminders(bot) == before, "the calendar cannot write them again"


async def test_each_shift_meeting_is_announced_with_its_time(bot: LocalBot) -> None:
    group = await registered(bot)
    await group.say(group.admin, "/region quyuan")  # 班前会 is Quyuan's S2#12
    await group.say(group.admin, "/shifts 08:00 16:00 00:00", expect="16:00")
    await digest_at(bot, group, 1, 8, 5)  # re-timed: what this morning's digest missed
    [digest] = await digest_at(bot, group, 2)
    text = digest.text or ""
    for shift in ("12月2日 16:00 班次", "12月3日 00:00 班次", "12月3日 08:00 班次"):
        assert f"班前会（一会三卡） — {shift}" in text, shift
    with bot.ctx.session() as s:
        superseded = s.exec(
            select(OccurrenceRow.label)
            .join(ReminderRow, col(ReminderRow.occurrence_id) == col(OccurrenceRow.id))
            .where(
                OccurrenceRow.obligation_id == "pre-shift-meeting",
                ReminderRow.state == "superseded",
            )
        ).all()
    assert superseded == [], "no shift's meeting gives way to another's"


async def test_a_group_set_up_after_the_digest_hour_gets_that_days_digest(bot: LocalBot) -> None:
    bot.clock.set(local(2026, 12, 1, 10, 30))
    group = await group_with_bot(bot)
    await group.setup()
    [digest] = await digest_at(bot, group, 1, 10, 31)
    assert f"{HEADER} · 12月1日" in (digest.text or "") and "日管控" in (digest.text or "")


async def test_an_events_duties_ride_the_next_digest(bot: LocalBot) -> None:
    group = await registered(bot)
    await group.say(group.admin, "/event 重大隐患 2027-01-15 储罐区可燃气体报警失效", expect="2027")
    await digest_at(bot, group, 1, 9, 0)  # what is due at once came with the event's answer
    [digest] = await digest_at(bot, group, 2)
    assert HEADER in (digest.text or "")
    for hour in (9, 12, 17):
        assert await digest_at(bot, group, 2, hour) == [], "nothing else that day"
