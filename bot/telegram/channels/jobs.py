"""The robot channels' tick job: post what is due to WeCom, DingTalk and Feishu robots.

Run after each dispatch tick (``Feature.tick_jobs``), so a reminder the dispatcher handed over
to the channel outbox goes out in the same tick. The sending itself is Telegram-free
(``bot.services.channels.sending``); what this adds is telling the enterprise's safety
officer privately on Telegram when a robot broke and was disabled. Returns when the next robot
message falls due, so the runtime ticks again then (a paced or throttled robot) rather than
only at its next interval.
"""

from __future__ import annotations

import datetime as dt
import logging

from telegram import Bot

from bot.channels.outcomes import Broken
from bot.channels.platforms import mask
from bot.render import Renderer
from bot.services.channels.sending import send_due
from bot.services.context import AppContext
from bot.store.channel_models import Channel
from bot.store.models import Enterprise
from bot.telegram.sending import send_html

log = logging.getLogger(__name__)


async def send_channel_messages(
    ctx: AppContext, bot: Bot, renderer: Renderer, now: dt.datetime
) -> dt.datetime | None:
    """Post every robot message due; returns when the next one falls due (None: none waits)."""

    async def tell_officer(channel: Channel, outcome: Broken) -> None:
        await robot_disabled(ctx, bot, renderer, channel, outcome)

    report = await send_due(ctx, on_broken=tell_officer)
    if report.sent or report.failed or report.disabled:
        log.info(
            "robot channels: sent=%d waiting=%d failed=%d disabled=%d",
            report.sent, report.waiting, report.failed, report.disabled,
        )  # fmt: skip
    return report.next_at


async def robot_disabled(
    ctx: AppContext, bot: Bot, renderer: Renderer, channel: Channel, outcome: Broken
) -> bool:
    """Tell the safety officer (or whoever registered the group) privately; best effort."""
    with ctx.session() as session:
        enterprise = session.get(Enterprise, channel.enterprise_id)
    if enterprise is None or not enterprise.on_telegram:
        return False
    text = renderer.render(
        enterprise.locale,
        "channels/robot_disabled",
        platform=channel.platform,
        reason=outcome.reason,
        url=mask(channel.webhook_url),
        enterprise=enterprise.name,
    )
    try:
        await send_html(bot, enterprise.safety_officer_id or enterprise.created_by, text)
    except Exception as exc:  # someone who never started a chat with the bot
        log.info(
            "robot notice to enterprise %s not delivered: %s", enterprise.id, type(exc).__name__
        )
        return False
    return True
