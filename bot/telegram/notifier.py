"""The dispatcher's Notifier, implemented with the PTB bot."""

from __future__ import annotations

from telegram import Bot

from bot.render import Renderer
from bot.services import confirmations
from bot.services.context import AppContext
from bot.services.dispatcher import OutgoingReminder
from bot.telegram.presenter import ItemView, reminder_message
from bot.telegram.sending import send_html


class TelegramNotifier:
    def __init__(self, bot: Bot, ctx: AppContext, renderer: Renderer) -> None:
        self.bot = bot
        self.ctx = ctx
        self.renderer = renderer

    async def send_reminder(self, outgoing: OutgoingReminder) -> int:
        with self.ctx.session() as session:
            views = [
                ItemView(
                    item.kind,
                    item.occurrence,
                    confirmations.confirmers(session, item.occurrence.id or 0),
                )
                for item in outgoing.items
            ]
        text, keyboard = reminder_message(
            self.renderer,
            self.ctx.catalog,
            outgoing.enterprise,
            views,
            catch_up=outgoing.catch_up,
            now=self.ctx.clock.now(),
        )
        message = await send_html(self.bot, outgoing.enterprise.chat_id, text, keyboard)
        return message.message_id
