"""The hazard loop whole, as the issue's "done" asks: one general and one major hazard from the
report in the group to 销号, through the emulator; the major one is reported to the linked
office at once, its first rectification is sent back, it runs past its deadline and is
escalated to the officer and the office, and it leaves the office's 督办 list once closed.
"""

from __future__ import annotations

from bot.demo.harness import LocalBot
from bot.emulator import BotMessage
from bot.services.hazards import records
from bot.store.hazard_models import Hazard
from tests.conftest import local
from tests.fakes.group import group_with_bot, say_privately
from tests.fakes.hazards import (
    answer,
    card_text,
    has_button,
    hazard,
    is_question,
    press,
    press_then,
    report,
)
from tests.integration.test_office import _link_code


async def test_a_general_and_a_major_hazard_from_report_to_closing(bot: LocalBot) -> None:
    emu = bot.emulator
    group = await group_with_bot(bot)
    await group.setup()
    admin, worker = group.admin, group.worker
    officer = emu.create_user("李经理", username="li", language_code="zh-hans")
    for person in (worker, admin, officer):
        await group.say(person, "/join", expect="名单")
    await group.say(admin, "/officer @li", expect="安全管理员")
    for person in (worker, officer):
        await say_privately(bot, person, "/start")
    office = emu.create_user("刘科长", username="liu_office")
    await say_privately(bot, office, "/start")
    linked = await say_privately(bot, office, f"/office link {await _link_code(bot, group)}")
    assert "成功关联" in (linked.text or "")
    office_chat, officer_chat = emu.private_chat(office)["id"], emu.private_chat(officer)["id"]

    async def plan(hid: int, card: int, deadline: str, contingency: str | None) -> BotMessage:
        roster = await press_then(group, admin, card, f"hz:w:{hid}", has_button("hz:r:"))
        question = await press_then(
            group, admin, roster.message_id, f"hz:r:{hid}:{worker['id']}", is_question
        )
        for text in ("清理并加装防护", "5000元", deadline, contingency):
            if text is not None:
                question = await answer(group, admin, question, text)
        return question  # the confirmation after the last answer

    async def rectify(hid: int, card: int, caption: str) -> None:
        question = await press_then(group, worker, card, f"hz:x:{hid}", is_question)
        done = await answer(group, worker, question, None, caption=caption)
        assert "整改完成" in (done.text or "")

    # 1. a general hazard: reported, graded, planned, rectified, closed by the safety officer
    general, general_card = await report(group, worker, "配电箱未接地", "二号车间")
    graded = await press(group, admin, general_card, f"hz:g:{general}:general")
    assert not graded.get("show_alert"), graded
    await emu.wait_for(lambda: "一般事故隐患" in card_text(group, general_card))
    confirmed = await plan(general, general_card, "12月10日", None)
    assert "五落实已记录" in (confirmed.text or "")
    await rectify(general, general_card, "已接地")
    closed = await press(group, officer, general_card, f"hz:v:{general}")
    assert "已验收销号" in closed.get("text", "")
    await emu.wait_for(lambda: "已由李经理于" in card_text(group, general_card))

    # 2. a major hazard: graded against the 判定标准, reported to the office at the next tick
    major, major_card = await report(group, worker, "储罐区可燃气体报警器失效", "罐区")
    items = await press(group, officer, major_card, f"hz:g:{major}:major")
    assert not items.get("show_alert"), items
    await emu.wait_for(lambda: has_button(f"hz:p:{major}:")(emu.message(group.chat_id, major_card)))
    await press(group, officer, major_card, f"hz:p:{major}:0")
    await emu.wait_for(lambda: "重大事故隐患" in card_text(group, major_card))
    assert "安监总管三〔2017〕121号" in card_text(group, major_card)
    before_office = emu.cursor(office_chat)
    await bot.tick_at(local(2026, 12, 1, 9, 0))
    reported = emu.sent(office_chat)[-1]
    assert reported.message_id > before_office and "储罐区可燃气体报警器失效" in (
        reported.text or ""
    )
    assert "第四十一条" in (reported.text or "")
    await plan(major, major_card, "12月2日", "停用罐区，设置警戒区")

    # 3. the first rectification is sent back with a reason
    await rectify(major, major_card, "已更换报警器")
    reason = await press_then(group, officer, major_card, f"hz:b:{major}", is_question)
    back = await answer(group, officer, reason, "报警器未标定")
    assert "已退回王师傅" in (back.text or "")
    told = await emu.wait_for_message(
        emu.private_chat(worker)["id"], lambda m: "报警器未标定" in (m.text or "")
    )
    assert "隐患 #2" in (told.text or "")

    # 4. past its deadline: escalated once to the officer and to the office, at digest time
    before_officer, before_office = emu.cursor(officer_chat), emu.cursor(office_chat)
    await bot.tick_at(local(2026, 12, 3, 8, 0))
    to_officer = [m.text or "" for m in emu.sent(officer_chat) if m.message_id > before_officer]
    to_office = [m.text or "" for m in emu.sent(office_chat) if m.message_id > before_office]
    assert any("储罐区可燃气体报警器失效" in t and "逾期 1 天" in t for t in to_officer)
    assert [t for t in to_office if "逾期 1 天" in t], to_office
    supervised = await say_privately(bot, office, "/stats")
    assert "储罐区可燃气体报警器失效" in (supervised.text or "")

    # 5. rectified again and closed (by the admin: not the one who rectified)
    await rectify(major, major_card, "已标定，附标定记录")
    closed = await press(group, admin, major_card, f"hz:v:{major}")
    assert "已验收销号" in closed.get("text", "")
    for hid in (general, major):
        assert hazard(bot, hid).status == "closed"
    after_closing = await say_privately(bot, office, "/stats")
    assert "储罐区可燃气体报警器失效" not in (after_closing.text or "").split("督办")[-1]


async def test_a_photo_telegram_will_not_give_back_is_not_kept_and_said_so(bot: LocalBot) -> None:
    """getFile refuses a photo: at the report the hazard stands without it and the reporter is
    told; at the rectification nothing changes and the question stays open for another."""
    emu = bot.emulator
    group = await group_with_bot(bot)
    await group.setup()
    admin, worker = group.admin, group.worker
    for person in (worker, admin):
        await group.say(person, "/join", expect="名单")
    after = emu.cursor(group.chat_id)
    emu.send_text(group.chat, worker, "/hazard 消防通道堵塞")
    where = await emu.wait_for_message(group.chat_id, is_question, after=after)
    emu.inject_error("getFile", error_code=400, description="Bad Request: invalid file_id")
    after = emu.cursor(group.chat_id)
    emu.send_photo(group.chat, worker, caption="二号库门口", reply_to=where.message_id)
    told = await emu.wait_for_message(
        group.chat_id, lambda m: "未能返回" in (m.text or ""), after=after
    )
    assert "未保存" in (told.text or "")
    [posted] = [m for m in emu.sent(group.chat_id) if has_button("hz:h:")(m)]
    hid = (await _hazard_of(bot, posted)).id or 0
    assert "照片" not in card_text(group, posted.message_id), "no photo kept"

    await press(group, admin, posted.message_id, f"hz:g:{hid}:general")
    await emu.wait_for(lambda: "一般事故隐患" in card_text(group, posted.message_id))
    roster = await press_then(group, admin, posted.message_id, f"hz:w:{hid}", has_button("hz:r:"))
    question = await press_then(
        group, admin, roster.message_id, f"hz:r:{hid}:{worker['id']}", is_question
    )
    for text in ("清理通道", "0元", "12月10日"):
        question = await answer(group, admin, question, text)
    photos_q = await press_then(group, worker, posted.message_id, f"hz:x:{hid}", is_question)
    emu.inject_error("getFile", error_code=400, description="Bad Request: invalid file_id")
    refused = await answer(group, worker, photos_q, None, caption="已清理")
    assert "未能返回" in (refused.text or "")
    assert hazard(bot, hid).status == "planned", "nothing changed"
    done = await answer(group, worker, photos_q, None, caption="已清理")
    assert "整改完成" in (done.text or "") and hazard(bot, hid).status == "rectified"


async def _hazard_of(bot: LocalBot, card: BotMessage) -> Hazard:
    def stored() -> Hazard | None:
        with bot.ctx.session() as s:
            return records.on_card(s, card.chat_id, card.message_id)

    return await bot.emulator.wait_for(stored)
