"""Posting a reminder where the admins want it: their chosen forum topic, else the chat.

A topic that was closed or deleted cannot take the reminder: it goes to the general chat
instead, the choice is forgotten and the admins are told there how to choose again.
"""

from __future__ import annotations

import logging

from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.error import BadRequest

from bot.render import Renderer
from bot.services.context import AppContext
from bot.services.digest import settings
from bot.store.models import Enterprise
from bot.telegram.sending import rejection_reason, send_html

log = logging.getLogger(__name__)
_TOPIC_GONE = {"topic_closed", "thread_not_found"}


async def send_to_topic(
    bot: Bot,
    ctx: AppContext,
    renderer: Renderer,
    enterprise: Enterprise,
    text: str,
    keyboard: InlineKeyboardMarkup | None,
) -> Message:
    """Send a reminder (notifying: it is the digest); errors as for ``send_html``."""
    chat_id, topic = enterprise.chat_id, enterprise.topic_id
    if topic is not None:
        try:
            return await send_html(
                bot, chat_id, text, keyboard, retry_429=False, thread_id=topic, silent=False
            )
        except BadRequest as exc:
            reason = rejection_reason(exc.message)
            if reason not in _TOPIC_GONE:
                raise
        log.info(
            "reminder topic of enterprise %s unusable (%s): general chat", enterprise.id, reason
        )
        with ctx.session() as session:
            row = session.get(Enterprise, enterprise.id)
            if row is not None:
                settings.set_topic(session, row, None)
        notice = renderer.render(enterprise.locale, "digest/topic_lost", reason=reason)
        await send_html(bot, chat_id, notice, retry_429=False, silent=False)
    return await send_html(bot, chat_id, text, keyboard, retry_429=False, silent=False)
