"""What the 五落实, rectification and 销号 handlers share.

A button press names a hazard of the group's enterprise and who pressed it; a reply answers a
ForceReply question remembered in ``HazardPrompt``: both are a ``Turn``. Questions
are asked with ``ask``; the card is brought up to date with ``refresh``; people are told
privately with ``tell`` (best effort: a person who never started the bot is not told).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from telegram import ForceReply, Message, Update
from telegram.error import TelegramError

from bot.domain.hazard import Actor
from bot.errors import ChatGone, StaleButton
from bot.services import enterprises
from bot.services.hazards import prompts, records
from bot.store.hazard_models import Hazard, HazardPrompt
from bot.store.models import Enterprise
from bot.telegram.common import Context, display_name, is_manager, rt
from bot.telegram.hazards.card import refresh_card
from bot.telegram.sending import reply_html, send_html

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Turn:
    """A press of a hazard's button or a reply to one of our questions: the group's
    enterprise, the hazard, who acts, the message to answer, and the question answered."""

    enterprise: Enterprise
    hazard: Hazard
    actor: Actor
    anchor: Message | None  # the message the button is on, or the reply
    prompt: HazardPrompt | None = None

    @property
    def text(self) -> str:
        """The reply's text (or a photo's caption)."""
        message = self.anchor
        return (message.text or message.caption or "").strip() if message else ""


async def _actor(update: Update, context: Context, enterprise: Enterprise) -> Actor:
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    manager = await is_manager(context, chat.id, user.id, enterprise)
    return Actor(user.id, display_name(update), manager)


async def pressed(update: Update, context: Context, hazard_id: int) -> Turn:
    """The group's hazard ``hazard_id`` (a foreign or forged id is a stale button)."""
    chat, query = update.effective_chat, update.callback_query
    assert chat is not None and query is not None
    with rt(context).ctx.session() as session:
        enterprise = enterprises.require_active(session, chat.id)
        hazard = records.hazard_of(session, enterprise.id or 0, hazard_id)
    anchor = query.message if isinstance(query.message, Message) else None
    return Turn(enterprise, hazard, await _actor(update, context, enterprise), anchor)


async def answering(update: Update, context: Context, prompt: HazardPrompt) -> Turn:
    """The reply ``update`` to ``prompt``, with the hazard as it is now."""
    with rt(context).ctx.session() as session:
        enterprise = session.get(Enterprise, prompt.enterprise_id)
        hazard = session.get(Hazard, prompt.hazard_id) if prompt.hazard_id else None
    if enterprise is None or hazard is None:
        raise StaleButton()
    actor = await _actor(update, context, enterprise)
    return Turn(enterprise, hazard, actor, update.effective_message, prompt)


async def ask(
    context: Context,
    turn: Turn,
    step: str,
    *,
    draft: dict[str, Any] | None = None,
    text: str | None = None,
    responsible: str = "",
    empty: bool = False,
) -> None:
    """Ask the acting person for ``step`` with ForceReply, answering the turn's message; ``text``
    (what was wrong with the last answer, and what is expected) replaces the usual question."""
    runtime, anchor, hazard, actor = rt(context), turn.anchor, turn.hazard, turn.actor
    if anchor is None:
        return
    if text is None:
        text = runtime.renderer.render(
            turn.enterprise.locale, "rectification/ask", step=step, number=hazard.number,
            user_id=actor.user_id, name=actor.name, responsible=responsible, empty=empty,
        )  # fmt: skip
    try:
        message = await reply_html(anchor, text, ForceReply(selective=True))
    except ChatGone:
        log.info("hazard %s: question not posted in chat %s", hazard.id, anchor.chat_id)
        return
    with runtime.ctx.session() as session:
        prompts.ask(
            session,
            chat_id=message.chat_id,
            message_id=message.message_id,
            user_id=actor.user_id,
            enterprise_id=turn.enterprise.id or 0,
            step=step,
            hazard_id=hazard.id,
            draft=draft,
            now=runtime.ctx.clock.now(),
        )


def done_with(context: Context, turn: Turn) -> None:
    """The turn's question is answered: a second reply to it finds nothing."""
    prompt = turn.prompt
    if prompt is None:
        return
    with rt(context).ctx.session() as session:
        stored = prompts.waiting(session, prompt.chat_id, prompt.message_id, prompt.user_id)
        if stored is not None:
            prompts.answered(session, stored)


async def refresh(context: Context, enterprise: Enterprise, hazard: Hazard) -> None:
    runtime = rt(context)
    await refresh_card(context.bot, runtime, enterprise, hazard, runtime.ctx.clock.now())


async def tell(
    context: Context, enterprise: Enterprise, user_id: int | None, template: str, **values: Any
) -> None:
    """A private message to ``user_id`` in the enterprise's language (``company`` names the
    enterprise), if they can be reached."""
    if user_id is None:
        return
    text = rt(context).renderer.render(
        enterprise.locale, template, company=enterprise.name, **values
    )
    try:
        await send_html(context.bot, user_id, text)
    except (ChatGone, TelegramError) as exc:
        log.info("user %s not told (%s): %s", user_id, template, type(exc).__name__)
