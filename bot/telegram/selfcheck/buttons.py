"""The ``hz:c:`` buttons: the enterprise and standard chosen, and each item's answer.

Every press is checked against the presser's rights now (the safety officer, or an admin of
the enterprise's group) and, for an answer, against the self-check: the presser's own, the
item at the pressed place the first unanswered one. A second press on an answered item, a
forged id or someone else's self-check changes nothing. A ``yes`` becomes a 重大 hazard whose
card is posted in the enterprise group; the scheduler is woken so the linked offices are told.
"""

from __future__ import annotations

import logging

from telegram import Chat, Update
from telegram.error import TelegramError

from bot.domain.hazard import Actor
from bot.errors import ChatGone, DomainError, StaleButton
from bot.services.hazards import selfcheck as service
from bot.store.hazard_models import Hazard, SelfCheck
from bot.store.models import Enterprise
from bot.telegram.common import Context, answer_error, chat_locale, display_name, rt
from bot.telegram.hazards.callbacks import Answer, CheckEnterprise, CheckStandard, decode
from bot.telegram.hazards.card import post_card
from bot.telegram.selfcheck import flow, views
from bot.telegram.sending import edit_pressed

log = logging.getLogger(__name__)


async def pressed(update: Update, context: Context) -> None:
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    data = decode(query.data)
    try:
        if chat.type != Chat.PRIVATE:
            raise StaleButton()
        match data:
            case CheckEnterprise(enterprise_id):
                enterprise = await flow.managed(context, enterprise_id, query.from_user.id)
                await query.answer()
                await edit_pressed(query, None)
                await flow.open_for(update, context, enterprise)
            case CheckStandard(enterprise_id, index):
                enterprise = await flow.managed(context, enterprise_id, query.from_user.id)
                await flow.start(update, context, enterprise, index)
                await query.answer()
                await edit_pressed(query, None)
            case Answer():
                await _answer(update, context, data)
            case _:
                raise StaleButton()
    except DomainError as error:
        await answer_error(update, context, error)


async def _answer(update: Update, context: Context, data: Answer) -> None:
    query, runtime = update.callback_query, rt(context)
    assert query is not None
    ctx, renderer, locale = runtime.ctx, runtime.renderer, chat_locale(context, update)
    user = query.from_user
    with ctx.session() as session:
        check = service.check_of(session, data.self_check_id, user.id)
    enterprise = await flow.managed(context, check.enterprise_id, user.id)
    now = ctx.clock.now()
    with ctx.session() as session:
        recorded = service.answer(
            session, check, enterprise,
            Actor(user.id, display_name(update), manager=True), index=data.index,
            value=data.answer, location=renderer.text(enterprise.locale, "selfcheck/location"),
            standards=ctx.hazard_standards, now=now,
        )  # fmt: skip
    short = renderer.text(locale, "selfcheck/answer_short", answer=recorded.answer,
                          fresh=recorded.fresh)  # fmt: skip
    await query.answer(short)
    text = views.answered_text(
        renderer, locale, recorded.question, recorded.answer, recorded.hazard
    )
    await edit_pressed(query, text)
    if not recorded.fresh:
        return
    if recorded.hazard is not None:
        await _post_card(context, enterprise, recorded.hazard)
    await _next(update, context, enterprise, check.id or 0)


async def _post_card(context: Context, enterprise: Enterprise, hazard: Hazard) -> None:
    """The hazard's card in the group (best effort: the hazard is recorded either way)."""
    runtime = rt(context)
    try:
        await post_card(context.bot, runtime, enterprise, hazard, runtime.ctx.clock.now())
    except (ChatGone, TelegramError) as exc:
        log.info("self-check hazard %s: card not posted: %s", hazard.id, type(exc).__name__)
    runtime.wake()  # the follow-up tells the linked offices of the major hazard


async def _next(update: Update, context: Context, enterprise: Enterprise, check_id: int) -> None:
    """Ask the next unanswered item, or close the self-check with its summary."""
    ctx = rt(context).ctx
    with ctx.session() as session:
        check = session.get(SelfCheck, check_id)
        assert check is not None
        question = service.current(session, ctx.hazard_standards, check, enterprise.sector)
    if question is None:
        await flow.finish(update, context, enterprise, check)
    else:
        await flow.ask(update, context, question)
