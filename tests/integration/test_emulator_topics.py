"""Forum topics and silent sends in the emulator, through PTB's real HTTP path.

Topics: people and (with the right) the bot create, close, reopen and delete them; sends into a
closed topic or a deleted/unknown one fail with Telegram's 400s. Silent: every message the bot
sends records whether it went with ``disable_notification``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from telegram import Bot
from telegram.error import BadRequest

from bot.demo.harness import LocalBot
from bot.emulator import BotApiEmulator
from tests.fakes.group import forum_group_with_bot

pytestmark = pytest.mark.asyncio
TOKEN = "123456:TEST-token"
JSON = dict[str, Any]


@pytest_asyncio.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator() as emulator:
        yield emulator


@pytest_asyncio.fixture
async def ptb(emu: BotApiEmulator) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=emu.base_url, base_file_url=emu.base_file_url) as b:
        yield b


def forum(emu: BotApiEmulator) -> tuple[JSON, JSON, JSON, int]:
    """A forum supergroup, the bot a plain member, and one topic the admin created."""
    admin = emu.create_user("张主任", username="zhang")
    worker = emu.create_user("王师傅", username="wang")
    group = emu.create_group("安全群", admins=[admin], members=[worker], forum=True)
    emu.add_bot_to_group(group, by=admin)
    return group, admin, worker, emu.create_topic(group, admin, "安全提醒")


async def test_bot_posts_into_a_topic(emu: BotApiEmulator, ptb: Bot) -> None:
    group, *_, topic = forum(emu)
    assert (await ptb.get_chat(group["id"])).is_forum
    sent = await ptb.send_message(group["id"], "今日检查", message_thread_id=topic)
    assert (sent.message_thread_id, sent.is_topic_message) == (topic, True)
    general = await ptb.send_message(group["id"], "全体通知")
    assert general.message_thread_id is None
    recorded = [(m.text, m.message_thread_id) for m in emu.sent(group["id"])]
    assert recorded == [("今日检查", topic), ("全体通知", None)]


async def test_user_topic_message_and_the_reply_stay_in_the_topic(
    emu: BotApiEmulator, ptb: Bot
) -> None:
    group, _, worker, topic = forum(emu)
    emu.send_text(group, worker, "/due", thread_id=topic)
    updates = await ptb.get_updates()
    created = next(u.message for u in updates if u.message and u.message.forum_topic_created)
    assert created.forum_topic_created is not None
    assert (created.message_id, created.forum_topic_created.name) == (topic, "安全提醒")
    asked = next(u.message for u in updates if u.message and u.message.text == "/due")
    assert (asked.message_thread_id, asked.is_topic_message) == (topic, True)
    answer = await asked.reply_text("暂无到期事项")  # PTB passes the thread on
    assert emu.message(group["id"], answer.message_id).message_thread_id == topic


async def test_closed_topic_refuses_the_bot_until_reopened(emu: BotApiEmulator, ptb: Bot) -> None:
    group, admin, worker, topic = forum(emu)
    emu.close_topic(group, admin, topic)
    for send in (
        ptb.send_message(group["id"], "提醒", message_thread_id=topic),
        ptb.send_photo(group["id"], b"photo", message_thread_id=topic),
        ptb.send_document(group["id"], b"doc", filename="a.txt", message_thread_id=topic),
        ptb.send_poll(group["id"], "参加吗", ["是", "否"], message_thread_id=topic),
    ):
        with pytest.raises(BadRequest, match="Topic_closed"):
            await send
    with pytest.raises(ValueError, match="TOPIC_CLOSED"):
        emu.send_text(group, worker, "还能说话吗", thread_id=topic)
    emu.send_text(group, admin, "管理员可以", thread_id=topic)
    emu.reopen_topic(group, admin, topic)
    await ptb.send_message(group["id"], "提醒", message_thread_id=topic)
    events = [u.message for u in await ptb.get_updates() if u.message]
    assert [bool(m.forum_topic_closed) for m in events].count(True) == 1
    assert [bool(m.forum_topic_reopened) for m in events].count(True) == 1


async def test_deleted_or_unknown_topic_is_not_found(emu: BotApiEmulator, ptb: Bot) -> None:
    group, admin, _, topic = forum(emu)
    first = await ptb.send_message(group["id"], "提醒", message_thread_id=topic)
    with pytest.raises(BadRequest, match="Message thread not found"):
        await ptb.send_message(group["id"], "提醒", message_thread_id=topic + 100)
    emu.delete_topic(group, admin, topic)
    assert emu.message(group["id"], first.message_id).deleted
    with pytest.raises(BadRequest, match="Message thread not found"):
        await ptb.send_message(group["id"], "提醒", message_thread_id=topic)
    await ptb.send_message(group["id"], "改发到主聊天")
    plain = emu.create_group("普通群", admins=[admin])
    emu.add_bot_to_group(plain, by=admin)
    with pytest.raises(BadRequest, match="Message thread not found"):
        await ptb.send_message(plain["id"], "提醒", message_thread_id=999)


async def test_bot_manages_topics_only_with_the_right(emu: BotApiEmulator, ptb: Bot) -> None:
    group, admin, _, _ = forum(emu)
    with pytest.raises(BadRequest, match="Not enough rights to create a topic"):
        await ptb.create_forum_topic(group["id"], "演练")
    emu.set_admin(group, emu.bot_user, can_manage_topics=True)
    member = await ptb.get_chat_member(group["id"], emu.bot_user["id"])
    assert getattr(member, "can_manage_topics", None) is True
    created = await ptb.create_forum_topic(group["id"], "演练")
    thread = created.message_thread_id
    assert await ptb.close_forum_topic(group["id"], thread)
    with pytest.raises(BadRequest, match="Topic_not_modified"):
        await ptb.close_forum_topic(group["id"], thread)
    await ptb.send_message(group["id"], "管理员机器人仍可发言", message_thread_id=thread)
    assert await ptb.reopen_forum_topic(group["id"], thread)
    assert await ptb.delete_forum_topic(group["id"], thread)
    with pytest.raises(BadRequest, match="Topic_id_invalid"):
        await ptb.close_forum_topic(group["id"], thread)
    plain = emu.create_group("普通群", admins=[admin])
    emu.add_bot_to_group(plain, by=admin)
    with pytest.raises(BadRequest, match="not a forum"):
        await ptb.create_forum_topic(plain["id"], "演练")


async def test_every_send_records_whether_it_was_silent(emu: BotApiEmulator, ptb: Bot) -> None:
    group, *_, topic = forum(emu)
    await ptb.send_message(group["id"], "例行", disable_notification=True)
    await ptb.send_message(group["id"], "今日汇总")
    await ptb.send_photo(group["id"], b"p", disable_notification=True, message_thread_id=topic)
    await ptb.send_document(group["id"], b"d", filename="a.txt", disable_notification=False)
    await ptb.send_poll(group["id"], "参加吗", ["是", "否"], disable_notification=True)
    assert [m.silent for m in emu.sent(group["id"])] == [True, False, True, False, True]


async def test_forum_group_helper_with_the_real_bot(bot: LocalBot) -> None:
    g = await forum_group_with_bot(bot)
    assert bot.emulator.message(g.chat_id, g.topic).raw["forum_topic_created"]["name"] == "安全提醒"
    answer = await g.say_in_topic(g.worker, "/help")
    assert answer.message_thread_id == g.topic
