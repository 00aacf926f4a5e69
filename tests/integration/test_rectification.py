"""五落实, rectification and 销号 through the emulator: the card's 📝 🔧 ✅ ↩️ buttons and the
ForceReply questions they ask, with every refusal answered and changing nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import select

from bot.demo.harness import LocalBot
from bot.domain.hazard import Actor
from bot.domain.hazard_states import HazardGrade
from bot.emulator import BotMessage
from bot.services.hazards import records
from bot.services.roster.members import join
from bot.store.hazard_models import Hazard, HazardPrompt
from bot.store.models import Enterprise
from bot.telegram.hazards.card import post_card
from tests.fakes.group import Group, group_with_bot, say_privately

JSON = dict[str, Any]


async def _hazard(bot: LocalBot, group: Group, grade: HazardGrade) -> tuple[int, int]:
    """A reported and graded hazard with its card in the group: (hazard id, card message id)."""
    now = bot.clock.now()
    worker = Actor(group.worker["id"], "王师傅", manager=False)
    admin = Actor(group.admin["id"], "张主任", manager=True)
    with bot.ctx.session() as s:
        enterprise = s.exec(select(Enterprise)).one()
        hazard = records.report(
            s, enterprise, worker, description="储罐区可燃气体报警器失效", location="罐区",
            photos=[("found-file", "found-unique")], anonymous=False, private=False, now=now,
        )  # fmt: skip
        records.grade(s, hazard, admin, grade, standard_item=None,
                      standards=bot.ctx.hazard_standards, now=now)  # fmt: skip
    card = await post_card(bot.app.bot, bot.runtime, enterprise, hazard, now)
    assert hazard.id is not None
    return hazard.id, card


def _state(bot: LocalBot, hazard_id: int) -> tuple[JSON, list[tuple[str, str | None]], int]:
    """What a refusal must leave as it was: the hazard's row, its steps and its photos."""
    with bot.ctx.session() as s:
        hazard = s.get(Hazard, hazard_id)
        assert hazard is not None
        steps = [(st.action, st.detail) for st in records.steps(s, hazard_id)]
        return hazard.model_dump(), steps, len(records.photos(s, hazard_id))


def _photos(bot: LocalBot, hazard_id: int) -> list[str]:
    with bot.ctx.session() as s:
        return [p.stage for p in records.photos(s, hazard_id)]


def _prompts(bot: LocalBot) -> int:
    with bot.ctx.session() as s:
        return len(s.exec(select(HazardPrompt)).all())


async def _press(
    group: Group, user: JSON, message_id: int, data: str, *, forged: bool = False
) -> JSON:
    """``user`` presses the button ``data`` (``forged``: data no button carries); the answer."""
    emu, chat = group.bot.emulator, group.chat
    if forged:
        return await emu.wait_for_callback_answer(emu.press_raw(chat, user, message_id, data))
    return await emu.wait_for_callback_answer(emu.press_button(chat, user, message_id, data=data))


def _is_question(message: BotMessage) -> bool:
    return bool((message.reply_markup or {}).get("force_reply"))


async def _press_for_question(group: Group, user: JSON, message_id: int, data: str) -> BotMessage:
    """Press a button that asks a question; the question (ForceReply)."""
    emu = group.bot.emulator
    after = emu.cursor(group.chat_id)
    answer = await _press(group, user, message_id, data)
    assert not answer.get("show_alert"), answer
    return await emu.wait_for_message(group.chat_id, _is_question, after=after)


async def _reply(
    group: Group, user: JSON, question: BotMessage, text: str | None, caption: str | None = None
) -> BotMessage:
    """``user`` answers ``question`` with ``text``, or with a photo (``text`` None) and its
    ``caption``; the bot's next message."""
    if text is not None:
        return await group.say(user, text, reply_to=question.message_id)
    emu = group.bot.emulator
    after = emu.cursor(group.chat_id)
    emu.send_photo(group.chat, user, caption=caption, reply_to=question.message_id)
    return await emu.wait_for_message(group.chat_id, after=after)


def _card(group: Group, message_id: int) -> str:
    """The text of the bot's message (the card, the roster list) as it is now."""
    return group.bot.emulator.message(group.chat_id, message_id).text or ""


async def _people(bot: LocalBot, group: Group) -> tuple[JSON, JSON]:
    """The worker and the admin on the roster; 李经理 the safety officer (a manager who is not
    a chat admin); the worker and the officer have started the bot (so they can be told)."""
    emu = bot.emulator
    officer = emu.create_user("李经理", username="li", language_code="zh-hans")
    await group.say(group.worker, "/join", expect="名单")
    await group.say(group.admin, "/join", expect="名单")
    await group.say(officer, "/join", expect="名单")
    await group.say(group.admin, "/officer @li", expect="安全管理员")
    for person in (group.worker, officer):
        await say_privately(bot, person, "/start")
    return officer, emu.create_user("赵工", language_code="zh-hans")


async def test_a_major_hazard_planned_rectified_sent_back_and_closed_with_refusals(
    bot: LocalBot,
) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    officer, stranger = await _people(bot, group)
    emu, admin, worker = bot.emulator, group.admin, group.worker
    hid, card = await _hazard(bot, group, HazardGrade.MAJOR)
    assert f"hz:w:{hid}" in [cb for _, cb in emu.message(group.chat_id, card).buttons()]

    # 五落实: only managers; the responsible person from the roster's buttons
    before = _state(bot, hid)
    answer = await _press(group, worker, card, f"hz:w:{hid}")
    assert answer.get("show_alert") and "安全管理员" in answer.get("text", ""), answer
    after = emu.cursor(group.chat_id)
    await _press(group, admin, card, f"hz:w:{hid}")
    roster = await emu.wait_for_message(
        group.chat_id, lambda m: "由谁负责整改" in (m.text or ""), after=after
    )
    assert {label for label, _ in roster.buttons()} == {"王师傅", "张主任", "李经理"}
    forged = await _press(
        group, admin, roster.message_id, f"hz:r:{hid}:{stranger['id']}", forged=True
    )
    assert forged.get("show_alert") and "不在名单" in forged.get("text", ""), forged
    assert _state(bot, hid) == before and _prompts(bot) == 0
    measures_q = await _press_for_question(
        group, admin, roster.message_id, f"hz:r:{hid}:{worker['id']}"
    )
    assert "整改措施是什么" in (measures_q.text or "") and "王师傅" in (measures_q.text or "")
    assert "整改责任人：王师傅" in (emu.message(group.chat_id, roster.message_id).text or "")
    assert emu.message(group.chat_id, roster.message_id).buttons() == []

    emu.send_text(group.chat, stranger, "随便写写", reply_to=measures_q.message_id)  # not asked
    funds_q = await _reply(group, admin, measures_q, "更换可燃气体报警器并重新标定")
    assert "整改资金" in (funds_q.text or "") and _is_question(funds_q)
    deadline_q = await _reply(group, admin, funds_q, "2万元")
    assert "最迟哪一天" in (deadline_q.text or "") and _is_question(deadline_q)

    # a deadline that cannot be read, then one in the past: said why, asked again, nothing kept
    unreadable = await _reply(group, admin, deadline_q, "尽快吧")
    assert "无法识别日期“尽快吧”" in (unreadable.text or "") and _is_question(unreadable)
    assert "年-月-日" in (unreadable.text or "")
    passed = await _reply(group, admin, unreadable, "2026-11-30")
    assert "已经过去" in (passed.text or "") and "2026年11月30日" in (passed.text or "")
    assert _is_question(passed)
    assert _state(bot, hid) == before
    plan_q = await _reply(group, admin, passed, "2026年12月20日")
    assert "应急预案是什么" in (plan_q.text or "") and _is_question(plan_q)

    # a major hazard without its contingency plan: refused, asked again
    no_plan = await _reply(group, admin, plan_q, None)
    assert "必须有应急预案" in (no_plan.text or "") and _is_question(no_plan)
    assert _state(bot, hid) == before
    done = await _reply(group, admin, no_plan, "停用罐区，设置警戒区，配备便携式检测仪")
    assert "五落实已记录" in (done.text or "") and "2026年12月20日" in (done.text or "")
    with bot.ctx.session() as s:
        hazard = s.get(Hazard, hid)
        assert hazard is not None
        assert (hazard.status, hazard.responsible_id, hazard.responsible_name) == (
            "planned", worker["id"], "王师傅",
        )  # fmt: skip
        assert (hazard.measures, hazard.funds, hazard.deadline, hazard.plan) == (
            "更换可燃气体报警器并重新标定", "2万元", dt.date(2026, 12, 20),
            "停用罐区，设置警戒区，配备便携式检测仪",
        )  # fmt: skip
    text = _card(group, card)
    assert "整改责任人：王师傅" in text and "2万元" in text and "应急预案：停用罐区" in text, text
    told = await emu.wait_for_message(worker["id"], lambda m: "整改责任人" in (m.text or ""))
    assert "隐患 #1" in (told.text or "") and "2026年12月20日" in (told.text or "")
    assert _prompts(bot) == 0, "every question of the 五落实 is answered"

    # rectified: not by someone else; a text without a photo is refused and the question stays
    before = _state(bot, hid)
    refused = await _press(group, stranger, card, f"hz:x:{hid}")
    assert refused.get("show_alert") and "整改责任人" in refused.get("text", ""), refused
    photos_q = await _press_for_question(group, worker, card, f"hz:x:{hid}")
    assert "整改后的照片" in (photos_q.text or "")
    no_photo = await _reply(group, worker, photos_q, "已经换好了")
    assert "至少一张" in (no_photo.text or "")
    assert _state(bot, hid) == before

    after = emu.cursor(group.chat_id)
    emu.send_album(group.chat, worker, 3, caption="已更换报警器", reply_to=photos_q.message_id)
    confirmed = await emu.wait_for_message(group.chat_id, after=after)
    assert "已标记为整改完成" in (confirmed.text or "")
    await emu.wait_for(lambda: len(_photos(bot, hid)) == 4)
    assert _photos(bot, hid) == ["found"] + ["rectified"] * 3, "the whole album is kept"
    assert "等待安全管理员验收" in _card(group, card)
    asked = await emu.wait_for_message(officer["id"], lambda m: "请您验收" in (m.text or ""))
    assert "王师傅" in (asked.text or "") and "已更换报警器" in (asked.text or "")

    # sent back: a reason is needed; the responsible person is told why
    reason_q = await _press_for_question(group, admin, card, f"hz:b:{hid}")
    before = _state(bot, hid)
    empty = await _reply(group, admin, reason_q, None)
    assert "需要用文字写明理由" in (empty.text or "")
    assert _state(bot, hid) == before
    back = await _reply(group, admin, reason_q, "报警器未标定，缺标定记录")
    assert "已退回王师傅" in (back.text or "") and "报警器未标定" in (back.text or "")
    why = await emu.wait_for_message(worker["id"], lambda m: "未通过" in (m.text or ""))
    assert "报警器未标定，缺标定记录" in (why.text or "")
    assert f"hz:x:{hid}" in [cb for _, cb in emu.message(group.chat_id, card).buttons()]

    # rectified again, by the admin for the worker: the admin may not verify it himself
    again_q = await _press_for_question(group, admin, card, f"hz:x:{hid}")
    await _reply(group, admin, again_q, None, caption="已标定，附标定记录")
    await emu.wait_for(
        lambda: f"hz:v:{hid}" in [cb for _, cb in emu.message(group.chat_id, card).buttons()]
    )
    before = _state(bot, hid)
    same = await _press(group, admin, card, f"hz:v:{hid}")
    assert same.get("show_alert") and "须由其他人" in same.get("text", ""), same
    assert _state(bot, hid) == before

    not_manager = await _press(group, worker, card, f"hz:v:{hid}")
    assert not_manager.get("show_alert") and "安全管理员" in not_manager.get("text", "")
    assert _state(bot, hid) == before

    # 销号 by the safety officer
    closed = await _press(group, officer, card, f"hz:v:{hid}")
    assert "已验收销号" in closed.get("text", "")
    await emu.wait_for(lambda: "✅" in _card(group, card) and "李经理" in _card(group, card))
    assert "已由李经理于" in _card(group, card)
    with bot.ctx.session() as s:
        hazard = s.get(Hazard, hid)
        assert hazard is not None
        assert (hazard.status, hazard.closed_by) == ("closed", officer["id"])
        assert [st.action for st in records.steps(s, hid)] == [
            "reported", "graded", "planned", "rectified", "sent_back", "rectified", "closed",
        ]  # fmt: skip
        assert len(records.photos(s, hid, "rectified")) == 4
    assert _prompts(bot) == 0, "no question is left waiting"
    before = _state(bot, hid)
    late = await _press(group, admin, card, f"hz:b:{hid}", forged=True)
    assert late.get("show_alert") and "已销号" in late.get("text", ""), late
    assert _state(bot, hid) == before and _prompts(bot) == 0


async def test_a_general_hazard_from_a_long_roster_with_no_contingency_question(
    bot: LocalBot,
) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    emu, admin = bot.emulator, group.admin
    hid, card = await _hazard(bot, group, HazardGrade.GENERAL)

    # nobody on the roster: said how people join, nothing changes
    before = _state(bot, hid)
    empty = await _press(group, admin, card, f"hz:w:{hid}")
    assert empty.get("show_alert") and "/join" in empty.get("text", ""), empty
    assert _state(bot, hid) == before and _prompts(bot) == 0

    with bot.ctx.session() as s:
        enterprise = s.exec(select(Enterprise)).one()
        for n in range(12):
            join(s, enterprise_id=enterprise.id or 0, user_id=900 + n, name=f"员工{n + 1:02d}",
                 username=None, now=bot.clock.now())  # fmt: skip
    after = emu.cursor(group.chat_id)
    await _press(group, admin, card, f"hz:w:{hid}")
    roster = await emu.wait_for_message(
        group.chat_id, lambda m: "由谁负责整改" in (m.text or ""), after=after
    )
    labels = [label for label, _ in roster.buttons()]
    assert labels[:10] == [f"员工{n:02d}" for n in range(1, 11)]
    assert "第 1 / 2 页" in (roster.text or "")
    await _press(group, admin, roster.message_id, f"hz:w:{hid}:1")
    await emu.wait_for(lambda: "第 2 / 2 页" in _card(group, roster.message_id))
    page = emu.message(group.chat_id, roster.message_id)
    assert [label for label, _ in page.buttons()][:2] == ["员工11", "员工12"]

    question = await _press_for_question(group, admin, roster.message_id, f"hz:r:{hid}:911")
    question = await _reply(group, admin, question, "清理消防通道堆放物")
    question = await _reply(group, admin, question, "无需资金")
    done = await _reply(group, admin, question, "12月5日")
    assert "五落实已记录" in (done.text or "") and "员工12" in (done.text or "")
    with bot.ctx.session() as s:
        hazard = s.get(Hazard, hid)
        assert hazard is not None
        assert (hazard.status, hazard.responsible_id, hazard.deadline, hazard.plan) == (
            "planned", 911, dt.date(2026, 12, 5), None,
        )  # fmt: skip
    assert "整改时限" in _card(group, card)
