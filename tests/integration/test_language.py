"""One scenario, two languages: a group switched to English (or set up by an English-speaking
admin) gets no Chinese at all; ``/lang`` rules for groups and private chats; setMyCommands."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from bot.demo.harness import LocalBot
from bot.emulator import BotMessage
from bot.errors import UnknownLanguage
from bot.services.language.preferences import resolve
from bot.store.models import Enterprise
from bot.store.pref_models import UserPref
from bot.telegram.language.callbacks import decode, encode
from tests.conftest import local
from tests.fakes.group import JSON, Group, group_with_bot

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
BOT_NAME = "safety_demo_bot"


def _locale(bot: LocalBot, chat_id: int) -> str | None:
    with bot.ctx.session() as s:
        enterprise = s.exec(select(Enterprise).where(Enterprise.chat_id == chat_id)).first()
    return enterprise.locale if enterprise else None


async def ascii_group(bot: LocalBot, language_code: str) -> Group:
    """People with ASCII names (what users type is theirs, not the bot's), speaking
    ``language_code``; the bot's greeting is awaited."""
    emu = bot.emulator
    admin = emu.create_user("Alice", username="alice", language_code=language_code)
    worker = emu.create_user("Bob", username="bob", language_code=language_code)
    chat = emu.create_group("Acme Safety", admins=[admin], members=[worker])
    after = emu.cursor(chat["id"])
    emu.add_bot_to_group(chat, by=admin)
    await emu.wait_for_message(chat["id"], after=after)
    return Group(bot, chat, admin, worker)


async def answer(group: Group, user: JSON, text: str) -> BotMessage:
    """``user`` sends ``text``; the bot's reply to that very message (other messages, such as
    an evidence prompt after a confirmation, may come in between)."""
    emu = group.bot.emulator
    sent = emu.send_text(group.chat, user, text)
    return await emu.wait_for_message(
        group.chat_id,
        lambda m: (m.raw.get("reply_to_message") or {}).get("message_id") == sent["message_id"],
        after=sent["message_id"],
    )


async def scenario(group: Group, setup: str, *, switch_to: str | None = None) -> list[str]:
    """Setup, (optionally /lang), a reminder confirmed, /stats, an unknown command, /help.

    Returns every text the bot showed from the switch on (or from the start): messages as
    they are now and as they were before each edit, button labels, callback answers.
    """
    bot, emu, chat_id = group.bot, group.bot.emulator, group.chat_id
    start = 0
    await answer(group, group.admin, setup)
    if switch_to:
        start = emu.cursor(chat_id)
        await answer(group, group.admin, f"/lang {switch_to}")
    await bot.tick_at(local(2026, 12, 24, 9, 0))
    reminder = next(
        m for m in emu.sent(chat_id) if any((cb or "").startswith("cf:") for _, cb in m.buttons())
    )
    data = next(cb for _, cb in reminder.buttons() if (cb or "").startswith("cf:"))
    answers = [
        await emu.wait_for_callback_answer(
            emu.press_button(group.chat, group.admin, reminder.message_id, data=data)
        )
    ]
    await emu.wait_for(lambda: emu.message(chat_id, reminder.message_id).edits)
    bot.clock.set(local(2027, 1, 6, 10, 0))
    await answer(group, group.admin, "/stats")
    await answer(group, group.admin, f"/frobnicate@{BOT_NAME}")
    await answer(group, group.worker, "/help")
    shown = [a.get("text") or "" for a in answers]
    for message in emu.sent(chat_id):
        if message.message_id > start:
            shown += [
                message.text or "",
                *message.edits,
                *(label for label, _ in message.buttons()),
            ]
    return shown


async def test_a_chinese_group_hears_chinese(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    shown = await scenario(group, "/setup 危险化学品 某某化工有限公司")
    messages = [m.text or "" for m in bot.emulator.sent(group.chat_id)]
    assert len(messages) >= 6
    assert all(CJK.search(text) for text in messages), [t for t in messages if not CJK.search(t)]
    assert any("确认" in text for text in shown)


async def test_a_group_switched_to_english_hears_no_chinese(bot: LocalBot) -> None:
    group = await ascii_group(bot, "zh-hans")
    shown = await scenario(group, "/setup 危险化学品 Acme Chemicals Ltd", switch_to="en")
    assert _locale(bot, group.chat_id) == "en"
    assert any("Language set to English" in t for t in shown)
    assert any("Wednesday" in t or "Thursday" in t for t in shown)
    assert [t for t in shown if CJK.search(t)] == []


async def test_a_group_set_up_by_an_english_speaker_is_english_from_the_start(
    bot: LocalBot,
) -> None:
    group = await ascii_group(bot, "en-GB")
    shown = await scenario(group, "/setup hazardous_chemicals Acme Chemicals Ltd")
    assert _locale(bot, group.chat_id) == "en"
    assert len(shown) >= 8
    assert [t for t in shown if CJK.search(t)] == []


async def test_only_admins_of_a_registered_group_change_its_language(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    refused = await group.say(group.admin, "/lang en")
    assert "/setup" in (refused.text or "") and _locale(bot, group.chat_id) is None
    await group.setup()
    refused = await group.say(group.worker, "/lang en")
    assert "管理员" in (refused.text or "") and _locale(bot, group.chat_id) == "zh_CN"
    unknown = await group.say(group.admin, "/lang de")
    assert "de" in (unknown.text or "") and _locale(bot, group.chat_id) == "zh_CN"
    done = await group.say(group.admin, "/lang en")
    assert "English" in (done.text or "") and _locale(bot, group.chat_id) == "en"
    back = await group.say(group.admin, "/lang zh")
    assert "简体中文" in (back.text or "") and _locale(bot, group.chat_id) == "zh_CN"


async def test_language_buttons_in_a_group(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    emu = bot.emulator
    menu = await group.say(group.worker, "/lang")
    assert [cb for _, cb in menu.buttons()] == ["lg:zh_CN", "lg:en"]
    worker_press = emu.press_button(group.chat, group.worker, menu.message_id, data="lg:en")
    assert (await emu.wait_for_callback_answer(worker_press)).get("show_alert")
    forged = emu.press_raw(group.chat, group.admin, menu.message_id, "lg:de")
    assert (await emu.wait_for_callback_answer(forged)).get("show_alert")
    assert _locale(bot, group.chat_id) == "zh_CN"
    press = emu.press_button(group.chat, group.admin, menu.message_id, data="lg:en")
    assert "English" in (await emu.wait_for_callback_answer(press)).get("text", "")
    edited = await emu.wait_for(
        lambda: (m := emu.message(group.chat_id, menu.message_id)).edits and m
    )
    assert "English" in (edited.text or "") and not edited.buttons()
    assert _locale(bot, group.chat_id) == "en"


async def test_a_private_chat_follows_the_users_choice(bot: LocalBot) -> None:
    emu = bot.emulator
    user = emu.create_user("李工", language_code="zh-CN")
    chat = emu.private_chat(user)

    async def say(text: str):  # type: ignore[no-untyped-def]
        after = emu.cursor(chat["id"])
        emu.send_text(chat, user, text)
        return await emu.wait_for_message(chat["id"], after=after)

    assert CJK.search((await say("/start")).text or "")
    assert "English" in ((await say("/lang en")).text or "")
    help_text = (await say("/help")).text or ""
    assert help_text and not CJK.search(help_text)
    with bot.ctx.session() as s:
        prefs = s.exec(select(UserPref.user_id, UserPref.locale)).all()
    assert [tuple(p) for p in prefs] == [(user["id"], "en")]
    menu = await say("/lang")
    press = emu.press_button(chat, user, menu.message_id, data="lg:zh_CN")
    await emu.wait_for_callback_answer(press)
    assert CJK.search((await say("/help")).text or "")


def test_language_choices_and_button_data_are_strict() -> None:
    assert [resolve(t) for t in ("zh", "ZH-cn", "zh_Hans", "en", "en-GB")] == [
        "zh_CN",
        "zh_CN",
        "zh_CN",
        "en",
        "en",
    ]
    for bad in ("de", "english", "zh-", "", "en en"):
        with pytest.raises(UnknownLanguage):
            resolve(bad)
    assert [decode(encode(c)) for c in ("zh_CN", "en")] == ["zh_CN", "en"]
    for forged in ("lg:de", "lg:en ", "lg:zh_CN:1", "cf:1", None, "lg:" + "x" * 70):
        assert decode(forged) is None
