"""A group with people in it and the bot added: the setting of most end-to-end tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.demo.harness import LocalBot
from bot.emulator import BotMessage

JSON = dict[str, Any]


@dataclass
class Group:
    bot: LocalBot
    chat: JSON
    admin: JSON
    worker: JSON

    @property
    def chat_id(self) -> int:
        return int(self.chat["id"])

    async def say(
        self,
        user: JSON,
        text: str,
        expect: str | None = None,
        *,
        reply_to: int | None = None,
        thread_id: int | None = None,
    ) -> BotMessage:
        """``user`` sends ``text`` [replying to ``reply_to``, in forum topic ``thread_id``];
        returns the bot's first message after it (containing ``expect``).

        The emulated bot has privacy mode on: unless it is a command, a reply to the bot or a
        mention of it, the bot never sees the text (and this times out)."""
        emu = self.bot.emulator
        after = emu.cursor(self.chat_id)
        emu.send_text(self.chat, user, text, reply_to=reply_to, thread_id=thread_id)
        match = (lambda m: expect in (m.text or "")) if expect else None
        return await emu.wait_for_message(self.chat_id, match, after=after)

    async def setup(self, sector: str = "危险化学品", name: str = "某某化工有限公司") -> BotMessage:
        return await self.say(self.admin, f"/setup {sector} {name}")

    async def item_menu(self, user: JSON, message: BotMessage, occurrence_id: int) -> BotMessage:
        """``user`` presses an item's ⋯ on a reminder; returns the message showing its menu
        (snooze choices, 📎 add evidence, 🗂 evidence)."""
        emu = self.bot.emulator
        await emu.wait_for_callback_answer(
            emu.press_button(self.chat, user, message.message_id, data=f"sm:{occurrence_id}")
        )
        wanted = f"ev:{occurrence_id}"
        return await emu.wait_for(
            lambda: (
                (m := emu.message(self.chat_id, message.message_id))
                and wanted in [cb for _, cb in m.buttons()]
                and m
            )
        )


async def say_privately(bot: LocalBot, user: JSON, text: str) -> BotMessage:
    """``user`` writes ``text`` to the bot in their private chat; returns the bot's answer."""
    emu = bot.emulator
    chat = emu.private_chat(user)
    after = emu.cursor(chat["id"])
    emu.send_text(chat, user, text)
    return await emu.wait_for_message(chat["id"], after=after)


async def group_with_bot(bot: LocalBot, *, language_code: str = "zh-hans") -> Group:
    emu = bot.emulator
    admin = emu.create_user("张主任", username="zhang", language_code=language_code)
    worker = emu.create_user("王师傅", username="wang", language_code=language_code)
    chat = emu.create_group("某某化工安全群", admins=[admin], members=[worker])
    after = emu.cursor(chat["id"])
    emu.add_bot_to_group(chat, by=admin)
    await emu.wait_for_message(chat["id"], after=after)  # the greeting
    return Group(bot, chat, admin, worker)


@dataclass
class ForumGroup(Group):
    topic: int  # message_thread_id of a topic the admin created

    async def say_in_topic(self, user: JSON, text: str, expect: str | None = None) -> BotMessage:
        """``user`` writes ``text`` in the topic; returns the bot's first message after it."""
        return await self.say(user, text, expect, thread_id=self.topic)


async def forum_group_with_bot(
    bot: LocalBot, *, topic: str = "安全提醒", language_code: str = "zh-hans"
) -> ForumGroup:
    """A forum supergroup (``is_forum``) with the bot a plain member and one topic in it."""
    emu = bot.emulator
    admin = emu.create_user("张主任", username="zhang", language_code=language_code)
    worker = emu.create_user("王师傅", username="wang", language_code=language_code)
    chat = emu.create_group("某某化工安全群", admins=[admin], members=[worker], forum=True)
    after = emu.cursor(chat["id"])
    emu.add_bot_to_group(chat, by=admin)
    await emu.wait_for_message(chat["id"], after=after)  # the greeting
    thread_id = emu.create_topic(chat, admin, topic)
    return ForumGroup(bot, chat, admin, worker, thread_id)
