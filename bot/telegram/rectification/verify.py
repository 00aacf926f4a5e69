"""✅ 销号 or ↩️ sending back: a manager who did not rectify the hazard checks the result.

Closing is one press. Sending back asks for the reason (ForceReply); the responsible person is
told privately, with the reason, and the hazard is being rectified again.
"""

from __future__ import annotations

from telegram import Update

from bot.domain import hazard as rules
from bot.domain.hazard_errors import ReasonRequired
from bot.errors import DomainError
from bot.services.hazards import records
from bot.store.hazard_models import HazardPrompt
from bot.telegram.common import Context, reply, reply_error, rt
from bot.telegram.hazards.callbacks import SendBack, Verify
from bot.telegram.rectification import flow
from bot.telegram.rectification.rectify import forget_albums

REASON = "send_back_reason"
STEPS = (REASON,)


async def close(update: Update, context: Context, data: Verify) -> None:
    """✅ on the card: verified and closed; the card shows who closed it and when."""
    query, turn = update.callback_query, await flow.pressed(update, context, data.hazard_id)
    assert query is not None
    runtime = rt(context)
    with runtime.ctx.session() as session:
        hazard = records.hazard_of(session, turn.enterprise.id or 0, turn.hazard.id or 0)
        records.verify(session, hazard, turn.actor, now=runtime.ctx.clock.now())
    done = runtime.renderer.text(turn.enterprise.locale, "rectification/closed_short", h=hazard)
    await query.answer(done)
    forget_albums(context, hazard.id or 0)
    await flow.refresh(context, turn.enterprise, hazard)


async def start_send_back(update: Update, context: Context, data: SendBack) -> None:
    """↩️ on the card: ask the presser why the rectification is not accepted."""
    query, turn = update.callback_query, await flow.pressed(update, context, data.hazard_id)
    assert query is not None
    rules.can_verify(turn.actor, turn.hazard.status, turn.hazard.rectified_by)
    await query.answer()
    await flow.ask(context, turn, REASON, responsible=turn.hazard.responsible_name or "")


async def answer(update: Update, context: Context, prompt: HazardPrompt) -> None:
    """The reason given: back to rectification; the responsible person is told why."""
    turn, ctx = await flow.answering(update, context, prompt), rt(context).ctx
    try:
        with ctx.session() as session:
            hazard = records.hazard_of(session, turn.enterprise.id or 0, turn.hazard.id or 0)
            records.send_back(session, hazard, turn.actor, reason=turn.text, now=ctx.clock.now())
    except ReasonRequired as error:  # the question stays open for the reason
        await reply_error(update, context, error)
        return
    except DomainError as error:
        flow.done_with(context, turn)
        await reply_error(update, context, error)
        return
    flow.done_with(context, turn)
    forget_albums(context, hazard.id or 0)
    reason = rules.require_reason(turn.text)
    await flow.refresh(context, turn.enterprise, hazard)
    await reply(update, context, "rectification/sent_back", h=hazard, reason=reason)
    if hazard.responsible_id != turn.actor.user_id:
        await flow.tell(
            context, turn.enterprise, hazard.responsible_id, "rectification/sent_back_private",
            h=hazard, by=turn.actor.name, reason=reason,
        )  # fmt: skip
