"""Reporting, grading, closing as invalid and the history of hazards, through the emulator.

The bot has privacy mode on (as BotFather sets it): in the group it sees /hazard, replies to
its own messages and button presses, so every question is asked with ForceReply.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select

from bot.demo.harness import LocalBot
from bot.emulator import BotMessage
from bot.services.hazards import records
from bot.store.hazard_models import Hazard, HazardPhoto
from tests.fakes.group import Group, group_with_bot, say_privately

JSON = dict[str, Any]


def _card_buttons(m: BotMessage) -> bool:
    return any((cb or "").startswith("hz:h:") for _, cb in m.buttons())


def _forces_reply(m: BotMessage) -> bool:
    return bool((m.reply_markup or {}).get("force_reply"))


async def _question(group: Group, user: JSON, **send: Any) -> BotMessage:
    """``user`` sends (text or a photo) in the group; returns the bot's next ForceReply question."""
    emu = group.bot.emulator
    after = emu.cursor(group.chat_id)
    if "text" in send:
        emu.send_text(group.chat, user, send.pop("text"), **send)
    else:
        emu.send_photo(group.chat, user, **send)
    return await emu.wait_for_message(group.chat_id, _forces_reply, after=after)


async def _report(group: Group, user: JSON, text: str, place: str) -> tuple[Hazard, BotMessage]:
    """``/hazard <text>``, the place in reply to the question; returns the hazard and its card."""
    emu = group.bot.emulator
    where = await _question(group, user, text=f"/hazard {text}")
    after = emu.cursor(group.chat_id)
    emu.send_text(group.chat, user, place, reply_to=where.message_id)
    card = await emu.wait_for_message(group.chat_id, _card_buttons, after=after)
    return await _on_card(group.bot, card), card


async def _on_card(bot: LocalBot, card: BotMessage) -> Hazard:
    """The hazard of ``card`` (its message id is stored just after the card is posted)."""

    def stored() -> Hazard | None:
        with bot.ctx.session() as s:
            return records.on_card(s, card.chat_id, card.message_id)

    return await bot.emulator.wait_for(stored)


def _hazard(bot: LocalBot, hazard_id: int | None) -> Hazard:
    with bot.ctx.session() as s:
        hazard = s.get(Hazard, hazard_id)
    assert hazard is not None
    return hazard


def _on_card_message(group: Group, hazard: Hazard) -> BotMessage:
    assert hazard.card_message_id is not None
    return group.bot.emulator.message(group.chat_id, hazard.card_message_id)


async def _press(group: Group, user: JSON, message_id: int, data: str) -> JSON:
    emu = group.bot.emulator
    return await emu.wait_for_callback_answer(emu.press_raw(group.chat, user, message_id, data))


async def _registered(bot: LocalBot, sector: str = "危险化学品") -> Group:
    group = await group_with_bot(bot)
    await group.setup(sector)
    return group


async def test_a_group_report_asks_for_what_is_missing_keeps_the_photos_and_posts_a_card(
    bot: LocalBot,
) -> None:
    group, emu = await _registered(bot), bot.emulator
    ask = await _question(group, group.worker, text="/hazard")
    assert "报告隐患" in (ask.text or "")
    usage = await _question(group, group.worker, reply_to=ask.message_id)  # a photo, no words
    assert "已保存 1 张照片" in (usage.text or "") and "/hazard 二车间配电箱" in (usage.text or "")
    where = await _question(
        group, group.worker, caption="配电箱柜门损坏，电线裸露", reply_to=usage.message_id
    )
    assert "隐患在哪里" in (where.text or "") and "配电箱柜门损坏" in (where.text or "")
    again = await _question(group, group.worker, reply_to=where.message_id)  # a photo alone
    assert "已保存 3 张照片" in (again.text or "")
    after = emu.cursor(group.chat_id)
    emu.send_text(group.chat, group.worker, "二车间东侧", reply_to=again.message_id)
    card = await emu.wait_for_message(group.chat_id, _card_buttons, after=after)
    text = card.text or ""
    for expected in (
        "隐患 #1",
        "配电箱柜门损坏，电线裸露",
        "位置：二车间东侧",
        "王师傅",
        "3 张照片",
    ):
        assert expected in text, (expected, text)
    hazard = await _on_card(bot, card)
    assert [cb for _, cb in card.buttons()][:2] == [
        f"hz:g:{hazard.id}:general",
        f"hz:g:{hazard.id}:major",
    ]
    with bot.ctx.session() as s:
        photos = records.photos(s, hazard.id or 0)
    assert len(photos) == 3 and {p.stage for p in photos} == {"found"}
    assert all(p.file_unique_id and p.user_id == group.worker["id"] for p in photos)

    emu.send_album(group.chat, group.admin, 2, reply_to=card.message_id)  # more, on the card
    await emu.wait_for(
        lambda: "5 张照片" in (emu.message(group.chat_id, card.message_id).text or "")
    )
    with bot.ctx.session() as s:
        assert len(s.exec(select(Hazard)).all()) == 1


async def test_a_photo_captioned_with_the_command_or_the_tag_reports_a_hazard(
    bot: LocalBot,
) -> None:
    group, emu = await _registered(bot), bot.emulator
    where = await _question(group, group.worker, caption="/hazard 楼梯间堆放纸箱")
    after = emu.cursor(group.chat_id)
    emu.send_text(group.chat, group.worker, "办公楼三层", reply_to=where.message_id)
    card = await emu.wait_for_message(group.chat_id, _card_buttons, after=after)
    assert "楼梯间堆放纸箱" in (card.text or "") and "1 张照片" in (card.text or "")

    ask = await _question(group, group.worker, text="/hazard")  # an album answers the question
    after = emu.cursor(group.chat_id)
    emu.send_album(group.chat, group.worker, 3, caption="脚手架缺少扫地杆", reply_to=ask.message_id)
    where = await emu.wait_for_message(group.chat_id, _forces_reply, after=after)
    after = emu.cursor(group.chat_id)
    emu.send_text(group.chat, group.worker, "厂区西侧", reply_to=where.message_id)
    card = await emu.wait_for_message(group.chat_id, _card_buttons, after=after)
    assert "脚手架缺少扫地杆" in (card.text or "") and "3 张照片" in (card.text or "")

    emu.privacy_mode = False  # the bot reads every message: "#隐患" needs no command
    where = await _question(group, group.worker, caption="#隐患 消防通道被货物堵塞")
    assert "消防通道被货物堵塞" in (where.text or "")
    after = emu.cursor(group.chat_id)
    emu.send_text(group.chat, group.worker, "仓库北门", reply_to=where.message_id)
    card = await emu.wait_for_message(group.chat_id, _card_buttons, after=after)
    assert "隐患 #3" in (card.text or "") and "仓库北门" in (card.text or "")


async def test_a_private_anonymous_report_hides_the_name_from_the_group_and_tells_the_officer(
    bot: LocalBot,
) -> None:
    group, emu = await _registered(bot), bot.emulator
    await say_privately(bot, group.admin, "/start")  # the officer (who set the group up)
    await group.say(group.worker, "/join")
    chat = emu.private_chat(group.worker)
    question = await say_privately(bot, group.worker, "/hazard")
    assert "某某化工有限公司" in (question.text or "")
    assert [cb for _, cb in question.buttons()] == ["hz:a:0", "hz:a:1"]
    after = emu.cursor(chat["id"])
    await emu.wait_for_callback_answer(
        emu.press_button(chat, group.worker, question.message_id, data="hz:a:1")
    )
    ask = await emu.wait_for_message(chat["id"], _forces_reply, after=after)
    assert "匿名" in (emu.message(chat["id"], question.message_id).text or "")
    after = emu.cursor(chat["id"])
    emu.send_photo(chat, group.worker, caption="叉车刹车失灵仍在使用", reply_to=ask.message_id)
    where = await emu.wait_for_message(chat["id"], _forces_reply, after=after)
    after, group_after = emu.cursor(chat["id"]), emu.cursor(group.chat_id)
    emu.send_text(chat, group.worker, "成品仓库")  # typed without replying: still the answer
    done = await emu.wait_for_message(chat["id"], after=after)
    card = await emu.wait_for_message(group.chat_id, _card_buttons, after=group_after)

    assert "隐患 #1" in (done.text or "") and "只有安全管理员知道" in (done.text or "")
    assert "叉车刹车失灵仍在使用" in (card.text or "") and "匿名报告" in (card.text or "")
    assert "王师傅" not in (card.text or "")
    told = await emu.wait_for_message(group.admin["id"], lambda m: "匿名报告" in (m.text or ""))
    assert "王师傅" in (told.text or "") and "隐患 #1" in (told.text or "")
    hazard = await _on_card(bot, card)
    assert (hazard.anonymous, hazard.private, hazard.reported_by) == (
        True,
        True,
        group.worker["id"],
    )
    assert where.message_id < done.message_id

    stranger = emu.create_user("李四")  # never started the bot: told how, nothing in the group
    after = emu.cursor(group.chat_id)
    alert = await _press(group, stranger, card.message_id, f"hz:h:{hazard.id}")
    assert alert.get("show_alert") and "/start" in alert.get("text", ""), alert
    assert [m for m in emu.sent(group.chat_id) if m.message_id > after] == []


async def test_grading_general_and_major_with_the_criteria_item_picked(bot: LocalBot) -> None:
    group, emu = await _registered(bot), bot.emulator
    first, card = await _report(group, group.worker, "静电接地线断开", "装卸区")
    answer = await _press(group, group.admin, card.message_id, f"hz:g:{first.id}:general")
    assert "一般事故隐患" in answer.get("text", "")
    shown = emu.message(group.chat_id, card.message_id)
    assert "一般事故隐患" in (shown.text or "")
    assert any((cb or "").startswith("hz:w:") for _, cb in shown.buttons()), "next: 五落实"
    assert (_hazard(bot, first.id).grade, _hazard(bot, first.id).status) == ("general", "graded")

    second, card = await _report(group, group.worker, "储罐区可燃气体报警器失效", "罐区")
    answer = await _press(group, group.admin, card.message_id, f"hz:g:{second.id}:major")
    assert "第 1/4 页" in answer.get("text", "")
    items = emu.message(group.chat_id, card.message_id).buttons()
    assert [cb for _, cb in items[:6]] == [f"hz:p:{second.id}:{i}" for i in range(6)]
    assert items[0][0].startswith("一 危险化学品") and len(items[0][0]) <= 24
    assert {f"hz:i:{second.id}:1", f"hz:n:{second.id}", f"hz:k:{second.id}"} <= {
        cb for _, cb in items
    }
    assert _hazard(bot, second.id).grade is None, "nothing is graded before an item is picked"
    await _press(group, group.admin, card.message_id, f"hz:i:{second.id}:1")
    page = [cb for _, cb in emu.message(group.chat_id, card.message_id).buttons()]
    assert f"hz:p:{second.id}:7" in page and f"hz:i:{second.id}:0" in page
    answer = await _press(group, group.admin, card.message_id, f"hz:p:{second.id}:7")
    assert "重大事故隐患（八）" in answer.get("text", "")
    text = emu.message(group.chat_id, card.message_id).text or ""
    assert "重大事故隐患" in text and "安监总管三〔2017〕121号" in text and "）八" in text
    graded = _hazard(bot, second.id)
    assert (graded.grade, graded.standard_item) == ("major", "chemicals-2017#八")

    # a correction before the rectification: the general one is found to be major after all
    card = _on_card_message(group, first)
    assert f"hz:g:{first.id}:major" in [cb for _, cb in card.buttons()]
    await _press(group, group.admin, card.message_id, f"hz:g:{first.id}:major")
    await _press(group, group.admin, card.message_id, f"hz:p:{first.id}:0")
    corrected = _hazard(bot, first.id)
    assert (corrected.grade, corrected.standard_item) == ("major", "chemicals-2017#一")
    with bot.ctx.session() as s:
        assert [st.action for st in records.steps(s, first.id or 0)] == [
            "reported",
            "graded",
            "graded",
        ]


async def test_a_sector_no_criteria_cover_is_graded_major_without_an_item(bot: LocalBot) -> None:
    group = await _registered(bot, "学校")
    hazard, card = await _report(group, group.worker, "实验室通风柜损坏", "实验楼二层")
    answer = await _press(group, group.admin, card.message_id, f"hz:g:{hazard.id}:major")
    assert answer.get("show_alert") and "不涵盖" in answer.get("text", "")
    graded = _hazard(bot, hazard.id)
    assert (graded.grade, graded.standard_item, graded.status) == ("major", None, "graded")


async def test_closing_as_invalid_asks_for_the_reason(bot: LocalBot) -> None:
    group, emu = await _registered(bot), bot.emulator
    hazard, card = await _report(group, group.worker, "灭火器压力不足", "食堂")
    after = emu.cursor(group.chat_id)
    await _press(group, group.admin, card.message_id, f"hz:z:{hazard.id}")
    ask = await emu.wait_for_message(group.chat_id, _forces_reply, after=after)
    assert "为什么不是隐患" in (ask.text or "")
    again = await _question(group, group.admin, reply_to=ask.message_id)  # a photo, no reason
    assert "理由" in (again.text or "")
    assert _hazard(bot, hazard.id).status == "reported"
    emu.send_text(group.chat, group.admin, "误报：压力表指针在绿区", reply_to=again.message_id)
    closed = await emu.wait_for(
        lambda: "作废" in (emu.message(group.chat_id, card.message_id).text or "") and True
    )
    assert closed
    invalid = _hazard(bot, hazard.id)
    assert (invalid.status, invalid.closed_by) == ("invalid", group.admin["id"])
    with bot.ctx.session() as s:
        steps = records.steps(s, hazard.id or 0)
    assert [(st.action, st.detail) for st in steps][-1] == ("invalid", "误报：压力表指针在绿区")


async def test_the_history_lists_the_steps_and_sends_the_photos_privately(bot: LocalBot) -> None:
    group, emu = await _registered(bot), bot.emulator
    await say_privately(bot, group.admin, "/start")
    where = await _question(group, group.worker, caption="/hazard 安全阀铅封缺失")
    after = emu.cursor(group.chat_id)
    emu.send_text(group.chat, group.worker, "反应釜 R-101", reply_to=where.message_id)
    card = await emu.wait_for_message(group.chat_id, _card_buttons, after=after)
    hazard = await _on_card(bot, card)
    await _press(group, group.admin, card.message_id, f"hz:g:{hazard.id}:general")
    with bot.ctx.session() as s:  # a photo Telegram no longer gives back
        s.add(HazardPhoto(hazard_id=hazard.id or 0, stage="found", file_id="gone",
                          file_unique_id="gone", user_id=1, at=bot.clock.now()))  # fmt: skip
        s.commit()
    private = group.admin["id"]
    after, group_after = emu.cursor(private), emu.cursor(group.chat_id)
    answer = await _press(group, group.admin, card.message_id, f"hz:h:{hazard.id}")
    assert "私信" in answer.get("text", "")
    history = await emu.wait_for_message(
        private, lambda m: "处理记录" in (m.text or ""), after=after
    )
    text = history.text or ""
    for expected in ("王师傅：报告隐患", "张主任：定级为一般事故隐患", "12月1日 08:00", "北京时间"):
        assert expected in text, (expected, text)
    photo = await emu.wait_for_message(private, lambda m: m.kind == "photo", after=after)
    assert "发现时" in (photo.text or "")
    await emu.wait_for_message(private, lambda m: "无法发送" in (m.text or ""), after=after)
    assert emu.cursor(group.chat_id) == group_after, "nothing posted in the group"


async def test_a_worker_pressing_grade_and_forged_buttons_change_nothing(bot: LocalBot) -> None:
    group, emu = await _registered(bot), bot.emulator
    hazard, card = await _report(group, group.worker, "行车钢丝绳断股", "一号厂房")
    other = await group_with_bot(bot)  # another enterprise, with a hazard of its own
    await other.setup("危险化学品", "另一家化工厂")
    theirs, _ = await _report(other, other.worker, "管道泄漏", "管廊")
    before = _hazard(bot, hazard.id).model_dump()
    posted = emu.cursor(group.chat_id)

    answer = await _press(group, group.worker, card.message_id, f"hz:g:{hazard.id}:major")
    assert answer.get("show_alert") and "管理员" in answer.get("text", "")
    for data in (
        f"hz:g:{theirs.id}:general",  # another enterprise's hazard
        f"hz:g:{hazard.id}:minor",  # malformed
        "hz:g:99999:general",  # no such hazard
        f"hz:p:{hazard.id}:999",  # no such item
    ):
        answer = await _press(group, group.admin, card.message_id, data)
        assert answer.get("show_alert") and "已失效" in answer.get("text", ""), (data, answer)
    with pytest.raises(LookupError):
        emu.press_button(group.chat, group.admin, card.message_id, data=f"hz:g:{theirs.id}:major")
    assert _hazard(bot, hazard.id).model_dump() == before
    assert emu.cursor(group.chat_id) == posted, "no message in the group"
    assert emu.message(group.chat_id, card.message_id).edits == []

    await _press(group, group.admin, card.message_id, f"hz:g:{hazard.id}:general")
    after = emu.cursor(group.chat_id)
    await _press(group, group.admin, card.message_id, f"hz:z:{hazard.id}")
    ask = await emu.wait_for_message(group.chat_id, _forces_reply, after=after)
    emu.send_text(group.chat, group.admin, "重复报告", reply_to=ask.message_id)
    await emu.wait_for(lambda: _hazard(bot, hazard.id).status == "invalid")
    answer = await _press(group, group.admin, card.message_id, f"hz:g:{hazard.id}:major")
    assert "已作废" in answer.get("text", "") and _hazard(bot, hazard.id).grade == "general"
