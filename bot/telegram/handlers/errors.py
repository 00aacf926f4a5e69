"""The one global error handler: log with the traceback, never the token or message text."""

from __future__ import annotations

import logging

from telegram import Update

from bot.telegram.handlers.common import Context

log = logging.getLogger(__name__)


async def on_error(update: object, context: Context) -> None:
    where = ""
    if isinstance(update, Update):
        chat = update.effective_chat
        where = f" update_id={update.update_id} chat_id={chat.id if chat else None}"
    log.error("error while handling an update:%s", where, exc_info=context.error)
