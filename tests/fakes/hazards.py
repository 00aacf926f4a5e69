"""Driving the hazard loop through the emulator as people do: report, press, answer questions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.demo.harness import LocalBot
from bot.emulator import BotMessage
from bot.services.hazards import records
from bot.store.hazard_models import Hazard
from tests.fakes.group import Group

JSON = dict[str, Any]


def is_question(message: BotMessage) -> bool:
    return bool((message.reply_markup or {}).get("force_reply"))


def has_button(prefix: str) -> Callable[[BotMessage], bool]:
    return lambda m: any((cb or "").startswith(prefix) for _, cb in m.buttons())


async def report(group: Group, user: JSON, text: str, place: str) -> tuple[int, int]:
    """``/hazard <text>`` and the place in reply to the bot's question: (hazard id, card id)."""
    emu, bot = group.bot.emulator, group.bot
    after = emu.cursor(group.chat_id)
    emu.send_text(group.chat, user, f"/hazard {text}")
    where = await emu.wait_for_message(group.chat_id, is_question, after=after)
    after = emu.cursor(group.chat_id)
    emu.send_text(group.chat, user, place, reply_to=where.message_id)
    card = await emu.wait_for_message(group.chat_id, has_button("hz:h:"), after=after)

    def stored() -> Hazard | None:
        with bot.ctx.session() as s:
            return records.on_card(s, card.chat_id, card.message_id)

    hazard = await emu.wait_for(stored)
    assert hazard.id is not None
    return hazard.id, card.message_id


async def press(group: Group, user: JSON, message_id: int, data: str) -> JSON:
    """``user`` presses the button carrying ``data``; the callback answer."""
    emu = group.bot.emulator
    return await emu.wait_for_callback_answer(
        emu.press_button(group.chat, user, message_id, data=data)
    )


async def press_then(
    group: Group, user: JSON, message_id: int, data: str, wanted: Callable[[BotMessage], bool]
) -> BotMessage:
    """Press, then the bot's first group message that is ``wanted``."""
    emu = group.bot.emulator
    after = emu.cursor(group.chat_id)
    answer = await press(group, user, message_id, data)
    assert not answer.get("show_alert"), answer
    return await emu.wait_for_message(group.chat_id, wanted, after=after)


async def answer(
    group: Group, user: JSON, question: BotMessage, text: str | None, caption: str | None = None
) -> BotMessage:
    """Reply to ``question`` with ``text`` (or a photo with ``caption``); the bot's next message."""
    emu = group.bot.emulator
    after = emu.cursor(group.chat_id)
    if text is None:
        emu.send_photo(group.chat, user, caption=caption, reply_to=question.message_id)
    else:
        emu.send_text(group.chat, user, text, reply_to=question.message_id)
    return await emu.wait_for_message(group.chat_id, after=after)


def hazard(bot: LocalBot, hazard_id: int) -> Hazard:
    with bot.ctx.session() as s:
        found = s.get(Hazard, hazard_id)
    assert found is not None
    return found


def card_text(group: Group, message_id: int) -> str:
    return group.bot.emulator.message(group.chat_id, message_id).text or ""
