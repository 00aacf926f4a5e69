"""Plain messages the hazards feature takes: answers to its questions, photos replying to a
hazard's card (more "found" photos while it is not yet rectified), and photos whose caption
reports a hazard (``#隐患 …``, ``/hazard …``).

Registered in a handler group of its own and matched narrowly (``MESSAGES``): a message that
is none of these is left alone, and other features' handlers see every message anyway.
"""

from __future__ import annotations

from telegram import Chat, Message, Update
from telegram.ext import filters

from bot.domain import hazard as rules
from bot.domain.hazard_states import HazardStatus
from bot.errors import DomainError
from bot.services.hazards import prompts, records
from bot.store.hazard_models import Hazard, HazardPrompt
from bot.store.models import Enterprise
from bot.telegram.common import Context, reply_error, rt
from bot.telegram.hazards import flow, intake, invalid, report
from bot.telegram.hazards.card import refresh_card
from bot.telegram.storage import archive

ANSWERS = (*intake.STEPS, invalid.STEP)
ADDS_PHOTOS = (HazardStatus.REPORTED, HazardStatus.GRADED, HazardStatus.PLANNED)


class _InAlbum(filters.MessageFilter):
    """A photo sent as part of an album (its later photos carry no caption and no reply
    where the first one had them)."""

    def filter(self, message: Message) -> bool:
        return bool(message.media_group_id)


_CONTENT = filters.PHOTO | (filters.TEXT & ~filters.COMMAND)
_CAPTIONED = filters.CaptionRegex(report.TAG) | filters.CaptionRegex(report.CAPTION_COMMAND)
MESSAGES = filters.UpdateType.MESSAGE & (
    (filters.ChatType.GROUPS & filters.REPLY & _CONTENT)
    | (filters.ChatType.GROUPS & filters.PHOTO & (_CAPTIONED | _InAlbum()))
    | (filters.ChatType.PRIVATE & _CONTENT)
)


def _question(context: Context, message: Message, chat: Chat, user_id: int) -> HazardPrompt | None:
    """The question (any feature's) this message answers: the one it replies to, or in a
    private chat the latest one asked of this person within the hour."""
    ctx = rt(context).ctx
    with ctx.session() as session:
        if message.reply_to_message is not None:
            return prompts.waiting(session, chat.id, message.reply_to_message.message_id, user_id)
        if chat.type == Chat.PRIVATE:
            since = ctx.clock.now() - flow.PRIVATE_ANSWER_WINDOW
            return prompts.latest(session, chat.id, user_id, since=since)
    return None


async def hazard_message(update: Update, context: Context) -> None:
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None:
        return
    target = flow.album_target(context, message)
    if target is not None:
        await _album_photo(update, context, message, target)
        return
    prompt = _question(context, message, chat, user.id)
    if prompt is not None:
        if prompt.step in intake.STEPS:
            await intake.answer(update, context, prompt, message)
        elif prompt.step == invalid.STEP:
            await invalid.reason_given(update, context, prompt, message)
        return  # another feature's question: theirs to take
    if not message.photo:
        return
    replied = message.reply_to_message
    if replied is not None and chat.type != Chat.PRIVATE:
        with rt(context).ctx.session() as session:
            hazard = records.on_card(session, chat.id, replied.message_id)
        if hazard is not None:
            await _card_photo(update, context, message, hazard)
            return
    description = report.caption_report(message, context.bot.username)
    if description is not None:
        await report.photo_report(update, context, description)


async def _card_photo(update: Update, context: Context, message: Message, hazard: Hazard) -> None:
    """A photo replying to the card: one more photo of the hazard as found."""
    assert hazard.id is not None
    try:
        rules.require_status(hazard.status, *ADDS_PHOTOS)
    except DomainError as error:
        flow.remember_album(context, message, ("ignore", 0, 0))
        await reply_error(update, context, error)
        return
    flow.remember_album(context, message, ("hazard", hazard.id, 0))
    await _add_photos(context, hazard.id, message)


async def _album_photo(
    update: Update, context: Context, message: Message, target: tuple[str, int, int]
) -> None:
    """A later photo of an album goes where its first went: the next question's draft, or the
    hazard it reported."""
    kind, first, second = target
    user = update.effective_user
    if not message.photo or user is None:
        return
    if kind == "hazard":
        await _add_photos(context, first, message)
    elif kind == "prompt":
        with rt(context).ctx.session() as session:
            prompt = prompts.waiting(session, first, second, user.id)
            if prompt is not None:
                draft = flow.with_photos(prompts.draft_of(prompt), flow.photos_of(message))
                prompts.redraft(session, prompt, draft)


async def _add_photos(context: Context, hazard_id: int, message: Message) -> None:
    """Keep the message's photo as found (if the hazard still takes photos); show it on the card."""
    runtime, user = rt(context), message.from_user
    now = runtime.ctx.clock.now()
    with runtime.ctx.session() as session:
        hazard = session.get(Hazard, hazard_id)
        if hazard is None or user is None or hazard.status not in {s.value for s in ADDS_PHOTOS}:
            return
        enterprise = session.get(Enterprise, hazard.enterprise_id)
        photos = flow.photos_of(message)
        records.add_photos(session, hazard, photos, stage="found", user_id=user.id, now=now)
        session.commit()
    await archive.keep_hazard_photos(runtime.ctx, context.bot, hazard_id, {})
    if enterprise is not None:
        await refresh_card(context.bot, runtime, enterprise, hazard, now)
