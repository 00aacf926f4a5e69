"""The 五落实, rectification and 销号 handlers: the card's buttons ``hz:[wrxvb]`` and the
replies to the questions they ask (``HazardPrompt`` steps of this feature only)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from bot.errors import DomainError, StaleButton
from bot.services.hazards import prompts
from bot.store.hazard_models import HazardPrompt
from bot.telegram.common import Context, answer_error, reply_error, rt
from bot.telegram.hazards.callbacks import (
    ChooseResponsible,
    Rectify,
    SendBack,
    StartPlan,
    Verify,
    decode,
)
from bot.telegram.rectification import plan, rectify, verify

Answer = Callable[[Update, Context, HazardPrompt], Awaitable[None]]
ANSWERS: dict[str, Answer] = {
    **dict.fromkeys(plan.STEPS, plan.answer),
    rectify.PHOTOS: rectify.answer,
    rectify.ALBUM: rectify.album_photo,
    verify.REASON: verify.answer,
}


async def pressed(update: Update, context: Context) -> None:
    """A button of the card (or of the roster list); refusals answer the press, change nothing."""
    query = update.callback_query
    assert query is not None
    data = decode(query.data)
    try:
        match data:
            case StartPlan():
                await plan.start(update, context, data)
            case ChooseResponsible():
                await plan.choose(update, context, data)
            case Rectify():
                await rectify.start(update, context, data)
            case Verify():
                await verify.close(update, context, data)
            case SendBack():
                await verify.start_send_back(update, context, data)
            case _:
                raise StaleButton()
    except DomainError as error:
        await answer_error(update, context, error)


async def replied(update: Update, context: Context) -> None:
    """A reply to one of this feature's questions, from the person it asked."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.reply_to_message is None:
        return
    with rt(context).ctx.session() as session:
        prompt = prompts.waiting(
            session, message.chat_id, message.reply_to_message.message_id, user.id
        )
    answer = ANSWERS.get(prompt.step) if prompt is not None else None
    if prompt is None or answer is None:
        return  # not a question of ours (or not this person's to answer)
    try:
        await answer(update, context, prompt)
    except DomainError as error:  # the hazard or its enterprise is gone meanwhile
        await reply_error(update, context, error)


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [CallbackQueryHandler(pressed, pattern=r"^hz:[wrxvb]:")]


def message_handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """Replies (text, photo or file) to the questions; a handler group of their own."""
    content = (filters.TEXT & ~filters.COMMAND) | filters.PHOTO | filters.Document.ALL
    return [MessageHandler(filters.UpdateType.MESSAGE & filters.REPLY & content, replied)]
