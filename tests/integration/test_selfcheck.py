"""``/selfcheck`` end to end through the emulator: the 判定标准 as a private checklist.

A commerce enterprise (商贸) is asked the six items of the 工贸 standard (应急管理部令第10号)
that carry a question for its sector; a mining one chooses between the coal-mine and the metal
and non-metal mine criteria.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import col, select

from bot.demo.harness import LocalBot
from bot.domain.hazard_states import HazardGrade, HazardStatus
from bot.emulator import BotMessage
from bot.services.hazards import selfcheck as service
from bot.store.hazard_models import Hazard, HazardStep, SelfCheck, SelfCheckAnswer
from bot.store.models import Enterprise
from tests.fakes.group import Group, group_with_bot

JSON = dict[str, Any]
TODAY = dt.date(2026, 12, 1)


def _asks(message: BotMessage) -> bool:
    return any((cb or "").startswith("hz:c:") and cb.count(":") == 4 for _, cb in message.buttons())


async def _private(bot: LocalBot, user: JSON, text: str, until: Any = _asks) -> BotMessage:
    """``user`` writes ``text`` to the bot; returns the first message after it matching ``until``."""
    emu = bot.emulator
    after = emu.cursor(user["id"])
    emu.send_text(emu.private_chat(user), user, text)
    return await emu.wait_for_message(user["id"], until, after=after)


async def _answer(bot: LocalBot, user: JSON, question: BotMessage, value: str) -> BotMessage:
    """Press 是 / 否 / 不适用 under ``question``; returns the next item (or the summary)."""
    emu = bot.emulator
    after = emu.cursor(user["id"])
    data = next(cb for _, cb in question.buttons() if (cb or "").endswith(f":{value}"))
    chat = emu.private_chat(user)
    await emu.wait_for_callback_answer(emu.press_button(chat, user, question.message_id, data=data))
    return await emu.wait_for_message(
        user["id"], lambda m: _asks(m) or "自查完成" in (m.text or ""), after=after
    )


async def _press(bot: LocalBot, user: JSON, message_id: int, data: str) -> JSON:
    emu = bot.emulator
    press = emu.press_raw(emu.private_chat(user), user, message_id, data)
    return await emu.wait_for_callback_answer(press)


def _rows(bot: LocalBot) -> tuple[int, int, int, int]:
    """(self-checks, answers, hazards, hazard steps): what a refused press must leave alone."""
    with bot.ctx.session() as s:
        return tuple(  # type: ignore[return-value]
            len(s.exec(select(t)).all()) for t in (SelfCheck, SelfCheckAnswer, Hazard, HazardStep)
        )


async def _commerce(bot: LocalBot) -> Group:
    group = await group_with_bot(bot)
    await group.setup("商贸", "某某商贸有限公司")
    return group


def _commerce_refs(bot: LocalBot) -> list[str]:
    standard = bot.ctx.hazard_standards.standards["gongmao-2023"]
    return [i.ref(standard.id) for i in service.questions(standard, "commerce")]


async def test_a_manager_answers_stops_resumes_and_each_yes_is_a_major_hazard_with_a_card(
    bot: LocalBot,
) -> None:
    group = await _commerce(bot)
    admin, emu = group.admin, bot.emulator
    refs = _commerce_refs(bot)
    assert len(refs) == 6
    group_after = emu.cursor(group.chat_id)
    first = await _private(bot, admin, "/selfcheck")
    intro = emu.sent(admin["id"])[-2].text or ""
    assert "工贸企业重大事故隐患判定标准" in intro and "共 6 项" in intro, intro
    text = first.text or ""
    assert "1/6 · 应急管理部令第10号 第三条（一）" in text and "承包单位" in text, text
    assert [label for label, _ in first.buttons()] == ["是", "否", "不适用"]

    second = await _answer(bot, admin, first, "yes")
    answered = emu.message(admin["id"], first.message_id)
    assert answered.buttons() == [], "the answered item keeps no buttons"
    assert "您的回答：是" in (answered.text or "") and "#1" in (answered.text or "")
    card = await emu.wait_for_message(
        group.chat_id, lambda m: "隐患 #1" in (m.text or ""), after=group_after
    )
    assert "重大事故隐患" in (card.text or "") and "第三条（一）" in (card.text or "")
    with bot.ctx.session() as s:
        hazard = s.exec(select(Hazard)).one()
        assert (hazard.grade, hazard.status) == (HazardGrade.MAJOR.value, HazardStatus.GRADED.value)
        assert hazard.standard_item == refs[0] and hazard.reported_by == admin["id"]
        assert "承包单位" in hazard.description and hazard.location
        assert (hazard.card_chat_id, hazard.card_message_id) == (group.chat_id, card.message_id)

    # a second press on the answered item changes nothing
    before = _rows(bot)
    again = await _press(bot, admin, first.message_id, f"hz:c:{_check_id(bot)}:0:no")
    assert "已回答过" in again.get("text", ""), again
    assert _rows(bot) == before

    assert "2/6" in (second.text or "")
    third = await _answer(bot, admin, second, "no")
    assert "3/6" in (third.text or "")
    # stopped here; /selfcheck again resumes at the first unanswered item
    resumed = await _private(bot, admin, "/selfcheck")
    assert "3/6" in (resumed.text or "") and resumed.message_id != third.message_id
    assert "已回答 2 项" in (emu.sent(admin["id"])[-2].text or "")
    nxt = await _answer(bot, admin, resumed, "na")
    nxt = await _answer(bot, admin, nxt, "yes")
    nxt = await _answer(bot, admin, nxt, "no")
    summary = await _answer(bot, admin, nxt, "na")
    text = summary.text or ""
    assert "已回答 6 项：是 2 项，否 2 项，不适用 2 项" in text and "#1、#2" in text, text
    # the older copy of item 3 was answered through the newer one: its press changes nothing
    before = _rows(bot)
    stale = await _press(bot, admin, third.message_id, f"hz:c:{_check_id(bot)}:2:yes")
    assert "已回答过" in stale.get("text", "")
    assert _rows(bot) == before

    with bot.ctx.session() as s:
        check = s.exec(select(SelfCheck)).one()
        assert check.finished_at is not None
        answers = s.exec(select(SelfCheckAnswer).order_by(col(SelfCheckAnswer.id))).all()
        assert [(a.item, a.answer) for a in answers] == list(
            zip(refs, ["yes", "no", "na", "yes", "no", "na"], strict=True)
        )
        majors = s.exec(select(Hazard).order_by(col(Hazard.number))).all()
        assert [(h.number, h.standard_item) for h in majors] == [(1, refs[0]), (2, refs[3])]
    posted = [m for m in emu.sent(group.chat_id) if m.message_id > group_after]
    assert [m.text.split("·")[0].strip() for m in posted if m.text] == ["🔴 隐患 #1", "🔴 隐患 #2"]
    assert all(m.silent for m in posted), "two quiet cards, nothing else in the group"
    # a new /selfcheck starts afresh
    fresh = await _private(bot, admin, "/selfcheck")
    assert "1/6" in (fresh.text or "")
    assert _rows(bot)[0] == 2


def _check_id(bot: LocalBot) -> int:
    with bot.ctx.session() as s:
        return s.exec(select(SelfCheck.id).order_by(col(SelfCheck.id).desc())).first() or 0


async def test_forged_foreign_and_skipping_presses_change_nothing(bot: LocalBot) -> None:
    group = await _commerce(bot)
    admin, worker, emu = group.admin, group.worker, bot.emulator
    first = await _private(bot, admin, "/selfcheck")
    mine = _check_id(bot)
    before = _rows(bot)
    for data in (
        "hz:c:999:0:yes",  # no such self-check
        f"hz:c:{mine}:1:yes",  # skipping ahead of the first unanswered item
        f"hz:c:{mine}:99:yes",  # past the last item
        f"hz:c:{mine}:0:maybe",  # not an answer
        "hz:c:e:999",  # no such enterprise
        "hz:c:s:1:7",  # no such standard
    ):
        answer = await _press(bot, admin, first.message_id, data)
        assert answer.get("show_alert"), data
        assert _rows(bot) == before, data
    # someone else's self-check, pressed from their own private chat
    await _private(bot, worker, "/start", until=None)
    stranger = emu.sent(worker["id"])[-1]
    answer = await _press(bot, worker, stranger.message_id, f"hz:c:{mine}:0:yes")
    assert answer.get("show_alert")
    assert _rows(bot) == before
    # and in the group, a self-check button is not pressed
    answer = await emu.wait_for_callback_answer(
        emu.press_raw(group.chat, admin, group_greeting(group), f"hz:c:{mine}:0:yes")
    )
    assert answer.get("show_alert")
    assert _rows(bot) == before
    # the real button still works
    await _answer(bot, admin, first, "no")
    assert _rows(bot)[1] == before[1] + 1


def group_greeting(group: Group) -> int:
    return group.bot.emulator.sent(group.chat_id)[0].message_id


async def test_a_worker_is_refused_and_in_a_group_it_points_to_the_private_chat(
    bot: LocalBot,
) -> None:
    group = await _commerce(bot)
    await group.say(group.worker, "/join", expect="名单")
    refused = await _private(bot, group.worker, "/selfcheck", until=None)
    assert "未找到您管理的企业" in (refused.text or "") and refused.buttons() == []
    assert _rows(bot) == (0, 0, 0, 0)

    pointer = await group.say(group.admin, "/selfcheck")
    assert "私聊" in (pointer.text or "")
    (button,) = [b for row in (pointer.reply_markup or {})["inline_keyboard"] for b in row]
    username = bot.app.bot.username
    assert button["url"] == f"https://t.me/{username}?start=selfcheck"
    # the link opens the private chat with "/start selfcheck": the self-check starts there
    first = await _private(bot, group.admin, "/start selfcheck")
    assert "1/6" in (first.text or "")


async def test_the_officer_picks_the_enterprise_then_the_standard(bot: LocalBot) -> None:
    """The worker named safety officer of two enterprises (not an admin of either): buttons."""
    group = await _commerce(bot)
    emu, officer = bot.emulator, group.worker
    await group.say(officer, "/join", expect="名单")
    await group.say(group.admin, "/officer @wang", expect="安全管理员")
    mine_admin = emu.create_user("赵矿长")
    chat = emu.create_group("某某矿业安全群", admins=[mine_admin], members=[officer])
    after = emu.cursor(chat["id"])
    emu.add_bot_to_group(chat, by=mine_admin)
    await emu.wait_for_message(chat["id"], after=after)
    mine = Group(bot, chat, mine_admin, officer)
    await mine.setup("矿山", "某某矿业有限公司")
    await mine.say(officer, "/join", expect="名单")
    await mine.say(mine_admin, "/officer @wang", expect="安全管理员")

    choose = await _private(bot, officer, "/selfcheck", until=lambda m: bool(m.buttons()))
    assert [label for label, _ in choose.buttons()] == ["某某商贸有限公司", "某某矿业有限公司"]
    with bot.ctx.session() as s:
        mining = s.exec(select(Enterprise).where(Enterprise.sector == "mining")).one()
    after = emu.cursor(officer["id"])
    pick = emu.press_button(emu.private_chat(officer), officer, choose.message_id,
                            data=f"hz:c:e:{mining.id}")  # fmt: skip
    await emu.wait_for_callback_answer(pick)
    standards = await emu.wait_for_message(officer["id"], lambda m: bool(m.buttons()), after=after)
    labels = [label for label, _ in standards.buttons()]
    assert labels == [
        "应急管理部令第4号 煤矿重大事故隐患判定标准",
        "矿安〔2022〕88号 金属非金属矿山重大事故隐患判定标准",
    ], labels
    assert emu.message(officer["id"], choose.message_id).buttons() == []
    after = emu.cursor(officer["id"])
    coal = standards.buttons()[0][1]
    assert coal is not None
    await emu.wait_for_callback_answer(
        emu.press_button(emu.private_chat(officer), officer, standards.message_id, data=coal)
    )
    first = await emu.wait_for_message(officer["id"], _asks, after=after)
    assert "应急管理部令第4号" in (first.text or "") and "1/14" in (first.text or "")
    with bot.ctx.session() as s:
        check = s.exec(select(SelfCheck)).one()
        assert (check.enterprise_id, check.standard_id) == (mining.id, "coal-mines-2020")
