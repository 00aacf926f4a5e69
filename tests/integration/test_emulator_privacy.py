"""Privacy mode in the emulator, seen through PTB's real HTTP path (getUpdates).

BotFather's default: in a group where the bot is a plain member it gets commands, replies to
its own messages, mentions and service messages, nothing else; private chats, administrator
bots and bots with privacy mode off get everything.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from bot.emulator import BotApiEmulator

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


def workshop(emu: BotApiEmulator) -> tuple[JSON, JSON, JSON]:
    """A supergroup with an admin and a worker, the bot a plain member."""
    admin = emu.create_user("张主任", username="zhang")
    worker = emu.create_user("王师傅", username="wang")
    group = emu.create_group("一号车间", admins=[admin], members=[worker])
    emu.add_bot_to_group(group, by=admin)
    return group, admin, worker


async def texts_delivered(ptb: Bot) -> list[str | None]:
    """Texts (or captions) of the messages getUpdates hands the bot, oldest first."""
    updates = await ptb.get_updates()
    if updates:
        await ptb.get_updates(offset=updates[-1].update_id + 1)  # confirm them
    messages = [u.message for u in updates if u.message]
    return [m.text or m.caption for m in messages if m.text or m.caption]


async def test_privacy_mode_is_on_by_default(emu: BotApiEmulator, ptb: Bot) -> None:
    me = await ptb.get_me()
    assert me.can_read_all_group_messages is False
    emu.privacy_mode = False  # BotFather's /setprivacy → Disable
    assert (await ptb.get_me()).can_read_all_group_messages is True


async def test_group_messages_reach_the_bot_only_when_meant_for_it(
    emu: BotApiEmulator, ptb: Bot
) -> None:
    group, admin, worker = workshop(emu)
    await texts_delivered(ptb)  # the bot joining: my_chat_member and new_chat_members
    prompt = await ptb.send_message(group["id"], "请回复本消息填写企业名称")
    chatter = emu.send_text(group, worker, "今天食堂吃什么")
    for text in (
        "/due",
        "/due@safety_demo_bot",
        "/due@SAFETY_DEMO_BOT 全部",
        "/due@other_helper_bot",
        "某某化工有限公司",
        "@safety_demo_bot 在吗",
        "问问 @other_helper_bot",
        "/ 不是命令",
    ):
        emu.send_text(group, admin, text)
    emu.send_text(group, admin, "某某化工", reply_to=prompt.message_id)
    emu.send_text(group, admin, "同意", reply_to=chatter["message_id"])
    emu.send_photo(group, worker, caption="隐患照片")
    emu.send_photo(group, worker, caption="整改后", reply_to=prompt.message_id)
    assert await texts_delivered(ptb) == [
        "/due",
        "/due@safety_demo_bot",
        "/due@SAFETY_DEMO_BOT 全部",
        "@safety_demo_bot 在吗",
        "某某化工",
        "整改后",
    ]
    assert len(emu.all_messages(group["id"])) == 15  # the chat has them all the same


async def test_service_messages_buttons_and_private_chats_always_arrive(
    emu: BotApiEmulator, ptb: Bot
) -> None:
    group, admin, worker = workshop(emu)
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("确认", callback_data="ok:1")]])
    sent = await ptb.send_message(group["id"], "今日检查", reply_markup=keyboard)
    emu.press_button(group, worker, sent.message_id, data="ok:1")
    supergroup = emu.create_group("二号车间", admins=[admin], supergroup=False)
    emu.add_bot_to_group(supergroup, by=admin)
    emu.migrate_to_supergroup(supergroup)
    private = emu.private_chat(worker)
    emu.send_text(private, worker, "你好")
    updates = await ptb.get_updates()
    joined = [u.message.new_chat_members for u in updates if u.message]
    assert sum(1 for members in joined if members) == 2
    assert [u.callback_query.data for u in updates if u.callback_query] == ["ok:1"]
    migrated = [u.message.migrate_to_chat_id for u in updates if u.message]
    assert any(migrated)
    assert [u.message.text for u in updates if u.message and u.message.text] == ["你好"]
    statuses = [u.my_chat_member.new_chat_member.status for u in updates if u.my_chat_member]
    assert statuses == ["member", "member"]


async def test_admin_bot_or_privacy_off_gets_every_group_message(
    emu: BotApiEmulator, ptb: Bot
) -> None:
    group, _, worker = workshop(emu)
    emu.send_text(group, worker, "甲")
    emu.set_admin(group, emu.bot_user)  # bot admins always get all messages
    emu.send_text(group, worker, "乙")
    emu.set_admin(group, emu.bot_user, is_admin=False)
    emu.send_text(group, worker, "丙")
    emu.privacy_mode = False
    emu.send_text(group, worker, "丁")
    assert await texts_delivered(ptb) == ["乙", "丁"]
