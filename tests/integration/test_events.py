"""``/event``: what an admin or the safety officer logs starts the duties the sources attach to it
(S3(五) training before work and certificates, 493号令 第九条 the one-hour accident report,
S1#25 / S4#40 rectification by the notice's deadline), with reminders like any other duty."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from bot.demo.harness import LocalBot
from bot.store.event_models import Event
from bot.store.models import OccurrenceRow, ReminderRow
from tests.conftest import SHANGHAI, local
from tests.fakes.group import group_with_bot


def _started(bot: LocalBot) -> dict[str, OccurrenceRow]:
    with bot.ctx.session() as s:
        rows = s.exec(
            select(OccurrenceRow).where(OccurrenceRow.label.startswith("event-"))  # type: ignore[attr-defined]
        ).all()
    return {r.obligation_id: r for r in rows}


async def test_a_new_hire_starts_training_and_the_certificate_check_s3_5(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    logged = await group.say(group.admin, "/event hire 张三")
    text = logged.text or ""
    assert "新员工入职" in text and "张三" in text
    assert "上岗前安全培训" in text and "特种作业人员持证上岗核验" in text
    started = _started(bot)
    assert {"pre-job-training", "certified-posts"} <= set(started)
    with bot.ctx.session() as s:
        event = s.exec(select(Event)).one()
    assert (event.kind, event.subject) == ("hire", "张三")
    assert started["pre-job-training"].key == f"pre-job-training/-/event-{event.id}"
    before = len(bot.emulator.sent(group.chat_id))
    await bot.tick_at(local(2026, 12, 1, 9, 0))
    new = bot.emulator.sent(group.chat_id)[before:]
    confirm = f"cf:{started['pre-job-training'].id}"
    assert any(confirm in [cb for _, cb in m.buttons()] for m in new)


async def test_an_accident_report_is_due_within_the_hour_law_ar_art9(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    bot.clock.set(local(2026, 12, 5, 15, 20))  # a Saturday: the hour runs on days off too
    await group.say(group.admin, "/event 事故", expect="1")
    report = _started(bot)["accident-report"]
    assert report.due_at == local(2026, 12, 5, 16, 20)
    with bot.ctx.session() as s:
        kinds = s.exec(select(ReminderRow.kind).where(ReminderRow.occurrence_id == report.id)).all()
    assert "due" in kinds  # reminded at once, not at tomorrow's 09:00


async def test_a_major_hazard_needs_its_deadline_and_is_due_on_it_s1_25(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    refused = await group.say(group.admin, "/event hazard 储罐区报警失效")
    assert "YYYY-MM-DD" in (refused.text or "") and _started(bot) == {}
    past = await group.say(group.admin, "/event hazard 2026-11-30 储罐区报警失效")
    assert "YYYY-MM-DD" in (past.text or "") and _started(bot) == {}
    await group.say(group.admin, "/event 重大隐患 2027-01-15 储罐区可燃气体报警失效", expect="2027")
    started = _started(bot)
    rectify = started["major-hazard-rectification"]
    assert rectify.due_at.astimezone(SHANGHAI) == dt.datetime(2027, 1, 15, 17, 0, tzinfo=SHANGHAI)
    assert "major-hazard-report" in started


async def test_only_managers_log_events_and_unknown_kinds_get_the_list(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    refused = await group.say(group.worker, "/event hire 王五")
    assert "管理员" in (refused.text or "") or "安全管理员" in (refused.text or "")
    unknown = await group.say(group.admin, "/event 放假")
    assert "放假" in (unknown.text or "") and "hire" in (unknown.text or "")
    assert _started(bot) == {}


async def test_event_buttons_log_without_typing(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    emu = bot.emulator
    menu = await group.say(group.admin, "/event")
    assert ("新员工入职", "evt:hire") in menu.buttons()
    assert all(data != "evt:hazard" for _, data in menu.buttons())  # needs a typed deadline
    after = emu.cursor(group.chat_id)
    emu.press_button(group.chat, group.admin, menu.message_id, data="evt:violation")
    await emu.wait_for_message(group.chat_id, after=after)
    assert set(_started(bot)) == set()  # 三违 retraining is Xinzhou's (S4#23), not Hubei's
    await group.say(group.admin, "/region xinzhou")
    after = emu.cursor(group.chat_id)
    emu.press_button(group.chat, group.admin, menu.message_id, data="evt:violation")
    done = await emu.wait_for_message(group.chat_id, after=after)
    assert "“三违”人员脱产培训" in (done.text or "")
    assert "violation-retraining" in _started(bot)
