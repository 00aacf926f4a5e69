"""🚫 Not a hazard (``hz:z:<hazard>``): a manager closes a mistaken report as invalid, with its
reason. Nothing is deleted: the hazard stays in the register as invalid, the reason in its
history. The reason is asked with ForceReply, naming the manager who pressed (``selective``).
"""

from __future__ import annotations

from telegram import Message, Update

from bot.domain import hazard as rules
from bot.domain.hazard import Actor
from bot.domain.hazard_errors import ReasonRequired
from bot.errors import DomainError
from bot.services.hazards import prompts, records
from bot.store.hazard_models import Hazard, HazardPrompt
from bot.store.models import Enterprise
from bot.telegram.common import Context, answer_error, is_manager, reply_error, rt
from bot.telegram.hazards import flow
from bot.telegram.hazards.card import refresh_card

STEP = "invalid_reason"


async def invalid_pressed(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None
    try:
        press = await flow.card_press(update, context)
        rules.can_invalidate(press.actor, press.hazard.status)
    except DomainError as error:
        await answer_error(update, context, error)
        return
    await query.answer()
    await _ask(context, press.enterprise, press.hazard, press.card, press.actor)


async def _ask(
    context: Context,
    enterprise: Enterprise,
    hazard: Hazard,
    anchor: Message,
    actor: Actor,
    *,
    again: bool = False,
) -> None:
    text = rt(context).renderer.render(
        enterprise.locale,
        "errors/reason_required" if again else "hazards/invalid_ask",
        number=hazard.number,
        user_id=actor.user_id,
        name=actor.name,
    )
    await flow.ask(
        context,
        anchor,
        text,
        user_id=actor.user_id,
        enterprise_id=enterprise.id or 0,
        step=STEP,
        draft={},
        hazard_id=hazard.id,
    )


async def reason_given(
    update: Update, context: Context, prompt: HazardPrompt, message: Message
) -> None:
    """The reply with the reason: the hazard is closed as invalid and its card shows it; an
    empty reason is asked again."""
    runtime, chat = rt(context), update.effective_chat
    assert chat is not None
    with runtime.ctx.session() as session:
        enterprise = session.get(Enterprise, prompt.enterprise_id)
        hazard = session.get(Hazard, prompt.hazard_id) if prompt.hazard_id else None
        prompts.answered(session, prompt)
    if enterprise is None or hazard is None:
        return
    manager = await is_manager(context, chat.id, prompt.user_id, enterprise)
    actor = flow.actor_of(update, manager=manager)
    now = runtime.ctx.clock.now()
    try:
        with runtime.ctx.session() as session:
            hazard = records.hazard_of(session, enterprise.id or 0, hazard.id or 0)
            records.invalidate(session, hazard, actor, reason=flow.text_of(message), now=now)
    except ReasonRequired:
        await _ask(context, enterprise, hazard, message, actor, again=True)
        return
    except DomainError as error:
        await reply_error(update, context, error)
        return
    await refresh_card(context.bot, runtime, enterprise, hazard, now)
