"""The dispatcher's Notifier, implemented with the PTB bot.

An escalation also goes privately to the enterprise's safety officer (if one is named and has
started a private chat with the bot); that private message is best effort and never blocks
the group reminder.
"""

from __future__ import annotations

import logging

from telegram import Bot

from bot.render import Renderer
from bot.services.context import AppContext
from bot.services.dispatcher import OutgoingReminder, kind_family
from bot.services.reminder_views import item_views
from bot.telegram.presenter import item_context, reminder_message
from bot.telegram.sending import send_html

log = logging.getLogger(__name__)


class TelegramNotifier:
    def __init__(self, bot: Bot, ctx: AppContext, renderer: Renderer) -> None:
        self.bot = bot
        self.ctx = ctx
        self.renderer = renderer

    async def send_reminder(self, outgoing: OutgoingReminder) -> int:
        with self.ctx.session() as session:
            views = item_views(
                session, self.ctx.catalog, [(i.kind, i.occurrence) for i in outgoing.items]
            )
        now = self.ctx.clock.now()
        enterprise = outgoing.enterprise
        text, keyboard = reminder_message(
            self.renderer, self.ctx.catalog, enterprise, views, catch_up=outgoing.catch_up, now=now
        )
        # No waiting inside the rate limiter on a 429: the outbox parks this chat's rows
        # and the wave goes on with the other chats.
        message = await send_html(self.bot, enterprise.chat_id, text, keyboard, retry_429=False)
        escalated = [v for v in views if kind_family(v.kind) == "escalate"]
        if escalated and enterprise.safety_officer_id:
            items = [item_context(self.ctx.catalog, enterprise, v, now) for v in escalated]
            note = self.renderer.render(
                enterprise.locale,
                "reminders/escalation_private",
                enterprise=enterprise.name,
                items=items,
            )
            try:
                await send_html(self.bot, enterprise.safety_officer_id, note)
            except Exception as exc:  # best effort: the group got the reminder anyway
                log.info(
                    "escalation to the safety officer of enterprise %s not delivered: %s",
                    enterprise.id,
                    type(exc).__name__,
                )
        return message.message_id
