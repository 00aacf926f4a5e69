"""Sending a follow-up, best effort, and what became of it.

A person who never started a private chat with the bot cannot be written to, nor a chat that
removed it: that is logged in one line (ids only) and counts as done, so the tick does not try
again every 20 seconds. Telegram asking to slow down, or the network failing, is "later": the
caller gives its claim back and the next tick tries again. An office group that became a
supergroup is followed to its new chat id (``bot.services.office.linking.move_chat``), and the
message goes there at the next tick.
"""

from __future__ import annotations

import logging
from enum import Enum

from telegram import Bot
from telegram.error import BadRequest, TelegramError

from bot.errors import ChatGone, ChatMoved, RetryLater
from bot.services.context import AppContext
from bot.services.office import linking as offices
from bot.telegram.sending import send_html

log = logging.getLogger(__name__)


class Delivery(Enum):
    SENT = "sent"
    UNREACHABLE = "unreachable"  # done all the same: not retried
    LATER = "later"  # give the claim back: the next tick tries again
    DONE = "done"  # this recipient has it already (an earlier try of the same follow-up)


async def deliver(
    ctx: AppContext,
    bot: Bot,
    chat_id: int,
    text: str,
    *,
    what: str,
    hazard_id: int | None,
    silent: bool | None = None,
) -> Delivery:
    """Send ``text`` to ``chat_id``; ``what`` names the message in the log line."""
    try:
        await send_html(bot, chat_id, text, silent=silent)
    except ChatMoved as moved:
        with ctx.session() as session:
            offices.move_chat(session, old_chat_id=chat_id, new_chat_id=moved.new_chat_id)
        log.info("hazard %s %s: chat %s moved to %s", hazard_id, what, chat_id, moved.new_chat_id)
        return Delivery.LATER
    except (ChatGone, BadRequest) as exc:
        log.info(
            "hazard %s %s: chat %s unreachable: %s", hazard_id, what, chat_id, type(exc).__name__
        )
        return Delivery.UNREACHABLE
    except (RetryLater, TelegramError) as exc:
        log.warning(
            "hazard %s %s: chat %s, will retry: %s", hazard_id, what, chat_id, type(exc).__name__
        )
        return Delivery.LATER
    return Delivery.SENT


def settled(outcomes: list[Delivery]) -> bool:
    """Whether a follow-up sent to several chats is done (none of them is to be tried again)."""
    return Delivery.LATER not in outcomes
