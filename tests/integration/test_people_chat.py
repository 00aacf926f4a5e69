"""People's records in private chats, through the emulator: certificates entered step by step
(``/cert``), one's records (``/certs``), a review, training hours (``/training``), roles
(``/role``), every bad answer refused with the field named, and who may see or change what.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from bot.demo.harness import LocalBot
from bot.emulator import BotMessage
from bot.services import enterprises
from bot.services.roster.members import join
from bot.store.models import ReminderRow
from bot.store.people_models import Certificate, PeopleDraft, Person, TrainingRecord
from tests.fakes.group import Group, group_with_bot

JSON = dict[str, Any]
ID_NUMBER = "420102199001011234"


class Private:
    """One person's private chat with the bot."""

    def __init__(self, bot: LocalBot, user: JSON) -> None:
        self.bot, self.emu, self.user = bot, bot.emulator, user
        self.chat = self.emu.private_chat(user)

    @property
    def chat_id(self) -> int:
        return int(self.chat["id"])

    async def say(self, text: str, expect: str | None = None) -> BotMessage:
        """Send ``text``; the bot's first message after it (containing ``expect``)."""
        after = self.emu.cursor(self.chat_id)
        self.emu.send_text(self.chat, self.user, text)
        match = (lambda m: expect in (m.text or "")) if expect else None
        return await self.emu.wait_for_message(self.chat_id, match, after=after)

    async def photo(self) -> tuple[BotMessage, JSON]:
        after = self.emu.cursor(self.chat_id)
        sent = self.emu.send_photo(self.chat, self.user)
        return await self.emu.wait_for_message(self.chat_id, after=after), sent

    async def press(self, message: BotMessage, text: str) -> BotMessage:
        """Press the button labelled ``text``; the bot's next message (a new one)."""
        after = self.emu.cursor(self.chat_id)
        answer = await self.emu.wait_for_callback_answer(
            self.emu.press_button(self.chat, self.user, message.message_id, text=text)
        )
        assert not answer.get("show_alert"), answer
        return await self.emu.wait_for_message(self.chat_id, after=after)

    async def press_edits(self, message: BotMessage, text: str) -> BotMessage:
        """Press a button that edits its own message (save, cancel, ✅ toggles); the message."""
        answer = await self.emu.wait_for_callback_answer(
            self.emu.press_button(self.chat, self.user, message.message_id, text=text)
        )
        assert not answer.get("show_alert"), answer
        return self.emu.message(self.chat_id, message.message_id)

    async def forged(self, message: BotMessage, data: str) -> JSON:
        """Press a button with data the bot never put on this message; the callback answer."""
        query = self.emu.press_raw(self.chat, self.user, message.message_id, data)
        return await self.emu.wait_for_callback_answer(query)


async def _registered(bot: LocalBot) -> Group:
    group = await group_with_bot(bot)
    await group.setup()  # 危险化学品: the high-risk training rules apply
    await group.say(group.worker, "/join")
    return group


def _certificates(bot: LocalBot) -> list[Certificate]:
    with bot.ctx.session() as s:
        return list(s.exec(select(Certificate)).all())


def _training(bot: LocalBot) -> list[TrainingRecord]:
    with bot.ctx.session() as s:
        return list(s.exec(select(TrainingRecord)).all())


def _person(bot: LocalBot, name: str) -> Person:
    with bot.ctx.session() as s:
        return s.exec(select(Person).where(Person.name == name)).one()


async def test_a_worker_records_a_certificate_step_by_step_sees_it_and_records_its_review(
    bot: LocalBot,
) -> None:
    group = await _registered(bot)
    me = Private(bot, group.worker)
    kinds = await me.say("/cert")
    assert "王师傅" in (kinds.text or "") and "特种作业操作证" in str(kinds.buttons())
    categories = await me.press(kinds, "特种作业操作证")
    assert "作业类别" in (categories.text or "")
    number = await me.press(categories, "电工作业")
    assert "18位" in (number.text or "")

    refused = await me.say("12345")
    assert "证书编号" in (refused.text or "") and "18位" in (refused.text or "")
    issued = await me.say(ID_NUMBER.lower()[:-1] + "x")  # the X typed small
    assert "发证日期" in (issued.text or "") or "发证" in (issued.text or "")
    refused = await me.say("2023-13-45")
    assert "2023-13-45" in (refused.text or "") and "发证日期" in (refused.text or "")
    refused = await me.say("2027年1月5日")
    assert "发证日期" in (refused.text or "") and "将来" in (refused.text or "")
    photo_question = await me.say("2023年12月10日")  # valid 6 years: no expiry is asked
    assert "照片" in (photo_question.text or "")
    summary, sent = await me.photo()
    text = summary.text or ""
    assert "42010219900101123X" in text and "2029-12-10" in text and "2026-12-10" in text
    assert _certificates(bot) == [], "nothing is saved before ✅"

    saved = await me.press_edits(summary, "保存")
    assert "已保存" in (saved.text or "") and "60天内" in (saved.text or "")
    (cert,) = _certificates(bot)
    assert (cert.kind, cert.category, cert.number) == (
        "special_operation",
        "electrical",
        "42010219900101123X",
    )
    assert cert.photo_file_id == sent["photo"][-1]["file_id"], "the largest size is kept"
    with bot.ctx.session() as s:
        planned = s.exec(select(ReminderRow).where(ReminderRow.certificate_id == cert.id)).all()
        assert planned, "its reminders are planned in the outbox"
        assert s.exec(select(PeopleDraft)).all() == []

    records = await me.say("/certs")
    text = records.text or ""
    assert "42010219900101123X" in text and "电工作业" in text and "2026-12-10" in text
    assert "差 20 学时" in text, text
    after = me.emu.cursor(me.chat_id)
    await me.emu.wait_for_callback_answer(
        me.emu.press_button(me.chat, me.user, records.message_id, text="照片")
    )
    shown = await me.emu.wait_for_message(me.chat_id, lambda m: m.kind == "photo", after=after)
    assert shown.file_id == cert.photo_file_id

    ask = await me.press(records, "已复审")
    assert "复审" in (ask.text or "")
    reviewed = await me.say("2026-11-20")
    assert "2026-11-20" in (reviewed.text or "")
    with bot.ctx.session() as s:
        again = s.get(Certificate, cert.id)
        assert again is not None and str(again.last_review_on) == "2026-11-20"


async def test_each_bad_answer_names_its_field_and_nothing_is_saved(bot: LocalBot) -> None:
    group = await _registered(bot)
    me = Private(bot, group.worker)
    await me.say("/cert")
    refused = await me.say("驾驶证")
    assert "证书种类" in (refused.text or "") and "特种作业操作证" in (refused.text or "")
    number = await me.say("主要负责人和安全生产管理人员安全生产知识和管理能力考核合格证")
    assert "编号" in (number.text or "")
    await me.say("AQ2024-0001")
    expiry = await me.say("2024-03-01")
    assert "有效期" in (expiry.text or ""), "a kind without a validity rule asks the expiry"
    refused = await me.say("明年三月")
    assert "明年三月" in (refused.text or "") and "有效期" in (refused.text or "")
    refused = await me.say("2023-03-01")
    assert "早于发证日期" in (refused.text or "") and "2024-03-01" in (refused.text or "")
    photo = await me.say("2027-03-01")
    summary = await me.press(photo, "跳过")
    assert "2027-03-01" in (summary.text or "")
    cancelled = await me.press_edits(summary, "取消")
    assert "未保存" in (cancelled.text or "")
    assert _certificates(bot) == []

    officer = Private(bot, group.admin)
    for line, field in (
        ("/training 王师傅 swimming 4", "培训类别"),
        ("/training 王师傅 annual 0.3", "学时"),
        ("/training 李四 annual 4", "李四"),
        ("/training 王师傅 annual 4 2026-02-30", "培训日期"),
        ("/training 王师傅 annual 4 2027-01-01", "培训日期"),
    ):
        refused = await officer.say(line)
        assert field in (refused.text or "") and "未保存" in (refused.text or ""), line
    assert _training(bot) == []


async def test_records_are_private_and_only_managers_edit_someone_elses(bot: LocalBot) -> None:
    group = await _registered(bot)
    stranger = bot.emulator.create_user("李四", username="li")
    await group.say(stranger, "/join")
    officer = Private(bot, group.admin)
    who = await officer.say("/cert")
    kinds = await officer.press(who, "王师傅")
    await officer.press(await officer.press(kinds, "特种作业操作证"), "焊接与热切割作业")
    await officer.say(ID_NUMBER)
    await officer.say("2024-05-06")
    summary, _ = await officer.photo()
    await officer.press_edits(summary, "保存")
    (cert,) = _certificates(bot)
    wang = _person(bot, "王师傅")
    assert (cert.person_id, cert.recorded_by) == (wang.id, group.admin["id"])

    who = await officer.say("/cert")  # someone without Telegram
    name = await officer.press(who, "没有Telegram")
    kinds = await officer.say("赵六")
    number = await officer.press(kinds, "消防设施操作员证书")
    assert "6至40" in (number.text or "")
    await officer.say("XF-2024-0099")
    await officer.say("2024-01-02")
    photo = await officer.say("2028-01-01")
    await officer.press_edits(await officer.press(photo, "跳过"), "保存")
    assert _person(bot, "赵六").user_id is None and name.text

    other = Private(bot, stranger)
    mine = await other.say("/certs")
    assert ID_NUMBER not in (mine.text or "") and "王师傅" not in (mine.text or "")
    for data in (f"pp:v:{wang.id}", f"pp:f:{cert.id}", f"pp:w:{cert.id}", f"pp:o:{wang.id}"):
        after = other.emu.cursor(other.chat_id)
        answer = await other.forged(mine, data)
        assert answer.get("show_alert") and "王师傅" in answer.get("text", ""), (data, answer)
        assert other.emu.sent(other.chat_id)[-1].message_id <= after or all(
            ID_NUMBER not in (m.text or "") for m in other.emu.sent(other.chat_id)
        )
    with bot.ctx.session() as s:
        assert s.exec(select(PeopleDraft)).all() == []
    refused = await other.say("/training")
    assert "安全管理员" in (refused.text or "")
    refused = await other.say("/training 王师傅 annual 4")
    assert "安全管理员" in (refused.text or "")
    assert _training(bot) == [] and len(_certificates(bot)) == 2

    holder = await Private(bot, group.worker).say("/certs")
    assert ID_NUMBER in (holder.text or "")
    overview = await officer.say("/certs", "赵六")
    assert ID_NUMBER not in (overview.text or "")
    zhao = await officer.press(overview, "赵六")
    assert "XF-2024-0099" in (zhao.text or "") and "2028-01-01" in (zhao.text or "")

    pointer = await group.say(group.worker, "/certs")
    assert "私聊" in (pointer.text or "") and ID_NUMBER not in (pointer.text or "")


async def test_training_hours_for_several_people_roles_and_the_shortfall(bot: LocalBot) -> None:
    group = await _registered(bot)
    officer = Private(bot, group.admin)
    who = await officer.say("/training")
    picked = await officer.press_edits(who, "王师傅")
    assert "✅ 王师傅" in str(picked.buttons())
    picked = await officer.press_edits(picked, "张主任")
    category = await officer.press(picked, "完成")
    hours = await officer.press(category, "年度再培训")
    assert "学时" in (hours.text or "")
    day = await officer.say("4")
    saved = await officer.press(day, "今天")
    assert "王师傅" in (saved.text or "") and "张主任" in (saved.text or "")
    assert sorted((r.hours, r.category, str(r.day)) for r in _training(bot)) == [
        (4.0, "annual", "2026-12-01"),
        (4.0, "annual", "2026-12-01"),
    ]
    saved = await officer.say("/training 王师傅 警示教育 1.5 2026-11-20")
    assert "1.5" in (saved.text or "") and "警示教育" in (saved.text or "")

    who = await officer.say("/role")
    roles = await officer.press(who, "王师傅")
    joined = await officer.press(roles, "特种作业人员")
    done = await officer.say("2026-03-01")
    assert "特种作业人员" in (done.text or "") and "2026-03-01" in (done.text or "")
    wang = _person(bot, "王师傅")
    assert (wang.role, str(wang.joined_on)) == ("special", "2026-03-01") and joined.text

    records = await Private(bot, group.worker).say("/certs")
    text = records.text or ""
    # new this year in a high-risk sector: 72 pre-job hours, 20 a year; 5.5 of them done
    assert "5.5" in text and "72" in text and "差 86.5 学时" in text, text


async def test_a_long_roster_pages_and_another_command_ends_the_entry(bot: LocalBot) -> None:
    group = await _registered(bot)
    with bot.ctx.session() as s:
        enterprise = enterprises.get_by_chat(s, group.chat_id)
        assert enterprise is not None and enterprise.id is not None
        for i in range(34):  # 王师傅 and these 34 joined; the officer is listed too: 36
            name, now = f"员工{i:02d}", bot.ctx.clock.now()
            join(
                s, enterprise_id=enterprise.id, user_id=9000 + i, name=name, username=None, now=now
            )
    officer = Private(bot, group.admin)
    who = await officer.say("/training")
    first = [text for text, _ in who.buttons()]
    assert len(first) == 32 and "第 2 / 2 页 ▶" in first and "王师傅" not in first
    second = await officer.press_edits(who, "第 2 / 2 页")
    assert [t for t, _ in second.buttons()][:6] == [
        "员工30",
        "员工31",
        "员工32",
        "员工33",
        "张主任",
        "王师傅",
    ]
    picked = await officer.press_edits(second, "王师傅")
    assert "✅ 王师傅" in [t for t, _ in picked.buttons()], "the page stays where it was"

    me = Private(bot, group.worker)
    await me.say("/cert")
    with bot.ctx.session() as s:
        assert s.exec(select(PeopleDraft).where(PeopleDraft.user_id == group.worker["id"])).one()
    await me.say("/hazard")
    await bot.emulator.wait_for(lambda: _no_draft(bot, group.worker["id"]))


def _no_draft(bot: LocalBot, user_id: int) -> bool:
    with bot.ctx.session() as s:
        return s.exec(select(PeopleDraft).where(PeopleDraft.user_id == user_id)).first() is None


async def test_the_flow_in_english(bot: LocalBot) -> None:
    group = await group_with_bot(bot, language_code="en")
    await group.setup("chemicals", "Example Chemicals Ltd")
    await group.say(group.worker, "/join")
    me = Private(bot, group.worker)
    kinds = await me.say("/cert")
    assert "Which certificate does" in (kinds.text or "")
    categories = await me.press(kinds, "Special-operations certificate")
    number = await me.press(categories, "Electrical work")
    assert "18-character ID number" in (number.text or "")
    refused = await me.say("ABC")
    assert "certificate number" in (refused.text or "") and "nothing was saved" in (
        refused.text or ""
    )
    await me.say(ID_NUMBER)
    photo = await me.say("2024-05-06")
    summary = await me.press(photo, "Skip")
    saved = await me.press_edits(summary, "Save")
    assert "Saved the certificate" in (saved.text or "") and "2030-05-06" in (saved.text or "")
    records = await me.say("/certs")
    assert "Training hours in 2026" in (records.text or "") and "Short by 20 hours" in (
        records.text or ""
    )
