"""Tidying after a digest: earlier reminder messages lose their buttons and say where things stand.

Best effort: an edit Telegram refuses (the message was deleted, the chat is gone) leaves the
message as it was; it is marked tidied all the same, so it is not tried every day.
"""

from __future__ import annotations

import datetime as dt
import logging

from telegram import Bot
from telegram.error import TelegramError

from bot.errors import DomainError
from bot.render import Renderer
from bot.services.context import AppContext
from bot.services.reminders.confirmations import occurrences_of_message
from bot.services.reminders.tidy import mark_tidied, stale_messages
from bot.services.reminders.views import ItemView, item_views
from bot.store.models import Enterprise
from bot.telegram.reminders.presenter import stale_message
from bot.telegram.sending import edit_html

log = logging.getLogger(__name__)


async def tidy_older(
    bot: Bot,
    ctx: AppContext,
    renderer: Renderer,
    enterprise: Enterprise,
    digest_id: int,
    earlier: list[tuple[int, list[ItemView]]] | None = None,
    in_digest: frozenset[int] = frozenset(),
) -> int:
    """Edit the enterprise's earlier reminder messages (all but ``digest_id``); returns how many.

    ``earlier``: those messages with what each shows, if the dispatcher loaded them with its
    wave (``WaveViews``); otherwise they are looked up here. ``in_digest``: the occurrences the
    new digest shows.
    """
    assert enterprise.id is not None
    now = ctx.clock.now()
    if earlier is None:
        earlier = _earlier(ctx, enterprise.id, digest_id, now)
    shown = {message_id: views for message_id, views in earlier if message_id != digest_id}
    stale = list(shown)
    if not stale:
        return 0
    for message_id, views in shown.items():
        text = stale_message(renderer, ctx.catalog, enterprise, views, now, in_digest)
        try:
            await edit_html(bot, enterprise.chat_id, message_id, text, None)
        except (TelegramError, DomainError) as exc:
            log.info(
                "earlier reminder %s of enterprise %s not tidied: %s",
                message_id,
                enterprise.id,
                type(exc).__name__,
            )
    with ctx.session() as session:
        mark_tidied(session, enterprise.id, stale, now=now)
    return len(stale)


def _earlier(
    ctx: AppContext, enterprise_id: int, digest_id: int, now: dt.datetime
) -> list[tuple[int, list[ItemView]]]:
    with ctx.session() as session:
        return [
            (
                message_id,
                item_views(
                    session,
                    ctx.catalog,
                    occurrences_of_message(
                        session, enterprise_id=enterprise_id, message_id=message_id
                    ),
                ),
            )
            for message_id in stale_messages(session, enterprise_id, keep=digest_id, now=now)
        ]
