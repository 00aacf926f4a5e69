"""The certificate reminders' tick job: claim what is due, send it privately, record the outcome.

Run after each dispatch tick with the tick's ``now`` (``Feature.tick_jobs``). Rows are claimed
with ``bot.services.people.reminders.claim_due`` (lease and token, as the group's claim) and
recorded with ``bot.services.reminders.outbox`` under that token, so a reminder goes out once
across runs, processes and restarts (outside the crash window between Telegram's answer and
the record). What became of each send:

- sent: recorded with its message id;
- Telegram refuses the private chat (the person blocked the bot, or never started it; any other
  400 about the message): failed, with the reason; the enterprise is not touched;
- Telegram asks to slow down (429): parked until its ``retry_after``;
- the network or Telegram failing: given back, the next tick tries again.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import uuid

from telegram import Bot
from telegram.error import BadRequest, TelegramError

from bot.errors import ChatGone, ChatMoved, RetryLater
from bot.render import Renderer
from bot.services.context import AppContext
from bot.services.people import reminders
from bot.services.people.delivery import CertificateNotice, load_claimed
from bot.services.reminders import outbox
from bot.store.models import ReminderState
from bot.telegram.pacing import in_background
from bot.telegram.people_reminders import texts
from bot.telegram.sending import rejection_reason, send_html

log = logging.getLogger(__name__)

BATCH = 200  # reminders claimed per round; a tick runs rounds until none is due
SENT, CLOSED, LATER = "sent", "closed", "later"  # what became of one reminder


def _worker() -> str:
    """The dispatcher's name for this process, so its shutdown hands these claims back too."""
    return f"{socket.gethostname()}:{os.getpid()}"


async def send_certificate_reminders(
    ctx: AppContext, bot: Bot, renderer: Renderer, now: dt.datetime
) -> int:
    """Every certificate reminder due at ``now``; returns how many were sent."""
    lease = dt.timedelta(seconds=ctx.settings.claim_lease_seconds)
    sent = 0
    with in_background():
        while True:
            token = uuid.uuid4().hex
            with ctx.session() as session:
                ids = reminders.claim_due(
                    session, now=now, worker=_worker(), token=token, lease=lease, limit=BATCH
                )
                notices = load_claimed(session, ctx.people_rules, ids, token=token)
            outcomes = [await _send(ctx, bot, renderer, n, token, now) for n in notices]
            sent += outcomes.count(SENT)
            if len(ids) < BATCH or LATER in outcomes:  # a row given back is due again at once
                return sent


async def _send(
    ctx: AppContext,
    bot: Bot,
    renderer: Renderer,
    notice: CertificateNotice,
    token: str,
    now: dt.datetime,
) -> str:
    ids = [notice.reminder_id]
    text = texts.reminder(ctx.people_rules, renderer, notice, now)
    try:
        message = await send_html(bot, notice.recipient_id, text, retry_429=False)
    except RetryLater as wait:
        with ctx.session() as session:
            retry_at = now + dt.timedelta(seconds=max(1.0, wait.seconds))
            outbox.release(session, ids, token=token, retry_at=retry_at, error=outbox.RETRY_AFTER)
        return LATER
    except (ChatGone, ChatMoved, BadRequest) as refused:
        reason = (
            rejection_reason(refused.message)
            if isinstance(refused, BadRequest)
            else f"unreachable: {refused}"[:200]
        )
        log.info(
            "certificate reminder %s to %s not delivered: %s",
            notice.reminder_id,
            notice.recipient_id,
            type(refused).__name__,
        )
        with ctx.session() as session:
            outbox.mark(session, ids, token=token, state=ReminderState.FAILED, error=reason)
        return CLOSED
    except TelegramError as exc:  # the network, or Telegram failing: the next tick tries again
        log.warning("certificate reminder %s: will retry: %r", notice.reminder_id, exc)
        with ctx.session() as session:
            outbox.release(session, ids, token=token, error="network")
        return LATER
    with ctx.session() as session:
        outbox.mark_sent(session, ids, token=token, now=now, message_id=message.message_id)
    return SENT
