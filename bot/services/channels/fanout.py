"""The dispatcher's Notifier for enterprises with robot channels (WeCom, DingTalk, Feishu).

Wraps the Telegram notifier: a message for an enterprise with active robot channels is first
rendered for each channel and handed over to the channel outbox (``handover``), then posted to
the Telegram group if the enterprise is on Telegram. An enterprise only on robot channels gets
no Telegram send: its message id is 0 (nothing to tidy or edit later). Officer notices go to
Telegram only, where the officer can be written to.
"""

from __future__ import annotations

import asyncio

from bot.channels.render import render_for
from bot.render import Renderer
from bot.services.channels.handover import hand_over
from bot.services.channels.links import confirm_url
from bot.services.context import AppContext
from bot.services.reminders.dispatch_types import Notifier, OfficerNotice, OutgoingReminder
from bot.store.channel_models import Channel
from bot.store.models import Enterprise


class ChannelFanOut:
    def __init__(self, inner: Notifier, ctx: AppContext, renderer: Renderer) -> None:
        self.inner = inner
        self.ctx = ctx
        self.renderer = renderer

    async def send_reminder(self, outgoing: OutgoingReminder) -> int:
        channels = outgoing.channels
        if channels:  # rendering and the database write off the event loop, like a claim
            await asyncio.to_thread(self._hand_over, outgoing, channels)
        if not outgoing.enterprise.on_telegram:
            return 0
        return await self.inner.send_reminder(outgoing)

    def _hand_over(self, outgoing: OutgoingReminder, channels: list[Channel]) -> None:
        now = self.ctx.clock.now()
        enterprise = outgoing.enterprise
        links = {
            v.occurrence.id or 0: confirm_url(
                self.ctx.settings, enterprise.id or 0, v.occurrence.id or 0, now
            )
            for v in outgoing.views
        }
        payloads = [
            (
                channel,
                render_for(
                    channel.platform, self.renderer, self.ctx.catalog, enterprise,
                    outgoing.views, now=now, links=links, catch_up=outgoing.catch_up,
                    digest_day=outgoing.digest_day,
                ),
            )
            for channel in channels
        ]  # fmt: skip
        with self.ctx.session() as session:
            hand_over(session, payloads, [i.reminder_id for i in outgoing.items], now=now)

    async def notify_officer(self, enterprise: Enterprise, notice: OfficerNotice) -> None:
        if enterprise.on_telegram:
            await self.inner.notify_officer(enterprise, notice)
