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

    async def say(self, user: JSON, text: str, expect: str | None = None) -> BotMessage:
        """``user`` sends ``text``; returns the bot's first message after it (containing ``expect``)."""
        emu = self.bot.emulator
        after = emu.cursor(self.chat_id)
        emu.send_text(self.chat, user, text)
        match = (lambda m: expect in (m.text or "")) if expect else None
        return await emu.wait_for_message(self.chat_id, match, after=after)

    async def setup(self, sector: str = "危险化学品", name: str = "某某化工有限公司") -> BotMessage:
        return await self.say(self.admin, f"/setup {sector} {name}")


async def group_with_bot(bot: LocalBot, *, language_code: str = "zh-hans") -> Group:
    emu = bot.emulator
    admin = emu.create_user("张主任", username="zhang", language_code=language_code)
    worker = emu.create_user("王师傅", username="wang", language_code=language_code)
    chat = emu.create_group("某某化工安全群", admins=[admin], members=[worker])
    after = emu.cursor(chat["id"])
    emu.add_bot_to_group(chat, by=admin)
    await emu.wait_for_message(chat["id"], after=after)  # the greeting
    return Group(bot, chat, admin, worker)
