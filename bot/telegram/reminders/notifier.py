"""The dispatcher's Notifier, implemented with the PTB bot.

An escalation also goes privately to the enterprise's safety officer (if one is named and has
started a private chat with the bot); that private message is best effort and never blocks
the group reminder. So are the officer's notices that the group muted the bot or that
Telegram kept refusing a reminder (``tell_officer``).

Telegram's answers become the outbox's exceptions here: chat-level ones in ``send_html``
(gone, muted, moved, 429); any other 400 is a ``SendRejected`` with a short reason; timeouts,
5xx and network trouble are ``SendUnavailable``.
"""

from __future__ import annotations

import datetime as dt
import logging

from telegram import Bot
from telegram.error import BadRequest, TelegramError

from bot.domain.reminder_kind import Family, family_of
from bot.errors import SendRejected, SendUnavailable
from bot.render import Renderer
from bot.services.context import AppContext
from bot.services.reminders.dispatch_types import OfficerNotice, OutgoingReminder
from bot.services.reminders.views import ItemView
from bot.store.models import Enterprise
from bot.telegram.pacing import in_background
from bot.telegram.reminders.presenter import item_context, reminder_message
from bot.telegram.reminders.tidying import tidy_older
from bot.telegram.reminders.topic import send_to_topic
from bot.telegram.sending import rejection_reason, send_html

log = logging.getLogger(__name__)
_NOTICES = {"muted": "reminders/officer_muted", "failed": "reminders/officer_failed"}


async def tell_officer(
    bot: Bot, ctx: AppContext, renderer: Renderer, enterprise: Enterprise, notice: OfficerNotice
) -> bool:
    """Tell the safety officer privately (if none is named, whoever registered the group).

    Best effort: someone who never started a chat with the bot cannot be written to.
    """
    user_id = enterprise.safety_officer_id or enterprise.created_by
    now = ctx.clock.now()
    items = [item_context(ctx.catalog, enterprise, v, now) for v in notice.views]
    text = renderer.render(
        enterprise.locale,
        _NOTICES[notice.kind],
        enterprise=enterprise.name,
        items=items,
        reason=notice.reason,
        attempts=notice.attempts,
    )
    try:
        await send_html(bot, user_id, text)
    except Exception as exc:  # best effort: the outbox has recorded what happened
        log.info(
            "%s notice to the safety officer of enterprise %s not delivered: %s",
            notice.kind,
            enterprise.id,
            type(exc).__name__,
        )
        return False
    return True


class TelegramNotifier:
    def __init__(self, bot: Bot, ctx: AppContext, renderer: Renderer) -> None:
        self.bot = bot
        self.ctx = ctx
        self.renderer = renderer

    async def send_reminder(self, outgoing: OutgoingReminder) -> int:
        # The wave's requests let a person's press, reply or edit go first in the rate limiter.
        with in_background():
            return await self._send_reminder(outgoing)

    async def _send_reminder(self, outgoing: OutgoingReminder) -> int:
        views = outgoing.views
        now = self.ctx.clock.now()
        enterprise = outgoing.enterprise
        text, keyboard = reminder_message(
            self.renderer,
            self.ctx.catalog,
            enterprise,
            views,
            catch_up=outgoing.catch_up,
            now=now,
            digest_day=outgoing.digest_day,
            hazards=outgoing.hazards,
            people=outgoing.people,
        )
        # No waiting inside the rate limiter on a 429: the outbox parks this chat's rows
        # and the wave goes on with the other chats. Reminders notify: they are the digest.
        try:
            message = await send_to_topic(
                self.bot, self.ctx, self.renderer, enterprise, text, keyboard
            )
        except BadRequest as exc:  # not one of the chat-level answers send_html maps
            raise SendRejected(rejection_reason(exc.message), exc.message) from exc
        except TelegramError as exc:  # timeouts, 5xx, network: Telegram's side, retried
            raise SendUnavailable(f"{type(exc).__name__}: {exc.message}"[:120]) from exc
        if outgoing.digest_day is not None:
            shown = frozenset(v.occurrence.id or 0 for v in views)
            await tidy_older(
                self.bot,
                self.ctx,
                self.renderer,
                enterprise,
                message.message_id,
                outgoing.tidy,
                in_digest=shown,
            )
        escalated = [v for v in views if family_of(v.kind) is Family.ESCALATE]
        if escalated and enterprise.safety_officer_id:
            await self._tell_escalation(enterprise, escalated, now)
        return message.message_id

    async def _tell_escalation(
        self, enterprise: Enterprise, escalated: list[ItemView], now: dt.datetime
    ) -> None:
        assert enterprise.safety_officer_id is not None
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

    async def notify_officer(self, enterprise: Enterprise, notice: OfficerNotice) -> None:
        with in_background():
            await tell_officer(self.bot, self.ctx, self.renderer, enterprise, notice)
