"""The enterprise group's ``/stats`` shows its 知晓率 and the drills done (issue 14, item 7),
the same figures the office view shows for it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlmodel import col, func, select

from bot.demo.harness import LocalBot
from bot.reports.sources import DRILL_OBLIGATIONS
from bot.store.models import OccurrenceRow
from bot.telegram.drill import live as drill_live
from tests.fakes.group import Group, group_with_bot
from tests.integration.test_quiz import _answer_all, _start_private, _with_button


@pytest.fixture(autouse=True)
def fast_headcount(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(drill_live, "HEADCOUNT_EDIT_INTERVAL", 0.0)


def _drill_duties_done(bot: LocalBot) -> int:
    with bot.ctx.session() as s:
        return s.exec(
            select(func.count()).where(
                col(OccurrenceRow.obligation_id).in_(DRILL_OBLIGATIONS),
                OccurrenceRow.status == "done",
            )
        ).one()


async def _spot_check(group: Group, passes: dict, fails: dict) -> None:
    """The admin checks both; one answers every question right, the other every one wrong."""
    bot, emu = group.bot, group.bot.emulator
    chats = {p["id"]: await _start_private(bot, p) for p in (passes, fails)}
    after = {uid: emu.cursor(uid) for uid in chats}
    await group.say(group.admin, f"/check @{passes['username']} @{fails['username']}")
    for person, right in ((passes, True), (fails, False)):
        uid = person["id"]
        first = await emu.wait_for_message(uid, _with_button("qz:a:"), after=after[uid])
        last = await _answer_all(bot, person, first, right=right)
        await emu.wait_for_message(
            uid, lambda m, ok=right: ("暂未合格" in (m.text or "")) != ok, after=last.message_id
        )


async def _documented_drill(group: Group) -> None:
    """A fire drill in the production area, ended, its report answered with a photo."""
    emu = group.bot.emulator
    after = emu.cursor(group.chat_id)
    emu.send_text(group.chat, group.admin, "/drill 火灾 生产 2")
    headcount = await emu.wait_for_message(group.chat_id, _with_button("dr:a:"), after=after)
    drill_data = next(cb for _, cb in headcount.buttons() if cb and cb.startswith("dr:a:"))
    group.bot.clock.advance(dt.timedelta(seconds=90))
    await emu.wait_for_callback_answer(
        emu.press_button(group.chat, group.worker, headcount.message_id, data=drill_data)
    )
    report = await group.say(group.admin, "/drill end", expect="演练报告")
    after = emu.cursor(group.chat_id)
    emu.send_photo(group.chat, group.admin, reply_to=report.message_id)
    await emu.wait_for_message(group.chat_id, lambda m: "已确认" in (m.text or ""), after=after)


async def test_enterprise_stats_show_awareness_and_drills_done(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    li = bot.emulator.create_user("李工", username="li")
    for person in (group.worker, li):
        await group.say(person, "/join", expect="名单")
    before = (await group.say(group.worker, "/stats", expect="完成率")).text or ""
    assert "知晓率：暂无数据" in before and "完成演练 0 次" in before

    await _spot_check(group, passes=group.worker, fails=li)
    await _documented_drill(group)

    text = (await group.say(group.worker, "/stats", expect="完成率")).text or ""
    assert "知晓率：50%（2 名员工中 1 名通过）" in text, text
    # the photo confirmed the drill duties it fulfils (the area's evacuation drill, the
    # emergency drill); each counts, as in the office view
    drills = re.search(r"完成演练 (\d+) 次", text)
    assert drills and int(drills.group(1)) == _drill_duties_done(bot) >= 1, text
