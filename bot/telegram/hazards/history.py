"""📋 History (``hz:h:<hazard>``): the hazard's steps (who, when, what, in the enterprise's time
zone) and its photos, as found and after rectification.

Sent privately to whoever pressed: the history concerns that person, and posting it with its
photos in the group would fill the group for everyone. Someone the bot cannot write to (who
never started it) gets it as a reply to the card instead. An anonymous reporter is named to
nobody but themselves and the safety officer in a private chat, never in the group.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.error import BadRequest

from bot.errors import ChatGone, DomainError
from bot.services.hazards import records
from bot.store.hazard_models import Hazard, HazardPhoto, HazardStep
from bot.telegram.common import Context, answer_error, rt
from bot.telegram.hazards import flow, intake
from bot.telegram.runtime import Runtime
from bot.telegram.sending import send_file, send_html

MAX_PHOTOS = 20  # sent back at most; the history says how many there are


def step_views(
    runtime: Runtime, locale: str, hazard: Hazard, steps: list[HazardStep], *, named: bool
) -> list[dict[str, Any]]:
    """Each step as the history template shows it; the anonymous report's name only if
    ``named``. A grade names its 判定标准 item (standard, document number, clause)."""
    views = []
    for step in steps:
        hidden = step.action == "reported" and hazard.anonymous and not named
        view: dict[str, Any] = {
            "at": step.at,
            "who": None if hidden else step.user_name,
            "action": step.action,
            "detail": step.detail or "",
            "grade": None,
            "item": None,
        }
        if step.action == "graded":
            level, _, ref = view["detail"].partition(" ")
            found = runtime.ctx.hazard_standards.find_item(ref.strip())
            view["grade"], view["detail"] = level, ""
            if found is not None:
                standard, item = found
                view["item"] = {
                    "standard": standard.title.get(locale),
                    "document_number": standard.document_number,
                    "clause": item.clause,
                }
        views.append(view)
    return views


def _text(runtime: Runtime, locale: str, tz: str, hazard: Hazard, *, named: bool) -> str:
    assert hazard.id is not None
    with runtime.ctx.session() as session:
        steps = records.steps(session, hazard.id)
        photos = records.photos(session, hazard.id)
    return runtime.renderer.render(
        locale,
        "hazards/history",
        h=hazard,
        tz=tz,
        steps=step_views(runtime, locale, hazard, steps, named=named),
        found=sum(1 for p in photos if p.stage == "found"),
        rectified=sum(1 for p in photos if p.stage == "rectified"),
    )


async def history_pressed(update: Update, context: Context) -> None:
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    try:
        press = await flow.card_press(update, context)
    except DomainError as error:
        await answer_error(update, context, error)
        return
    runtime, hazard, enterprise = rt(context), press.hazard, press.enterprise
    locale, tz = enterprise.locale, enterprise.timezone
    named = not hazard.anonymous or user.id in (hazard.reported_by, intake.officer_of(enterprise))
    try:
        await send_html(context.bot, user.id, _text(runtime, locale, tz, hazard, named=named))
    except ChatGone:  # never started the bot, or blocked it: say so; nothing in the group
        bot_name = context.bot.username or ""
        text = runtime.renderer.text(locale, "hazards/pressed", what="start_first", bot=bot_name)
        await query.answer(text, show_alert=True)
        return
    await query.answer(runtime.renderer.text(locale, "hazards/pressed", what="history"))
    assert hazard.id is not None
    with runtime.ctx.session() as session:
        photos = records.photos(session, hazard.id)
    chat_id = user.id
    await send_photos(context, chat_id, photos, locale, hazard.number)


async def send_photos(
    context: Context, chat_id: int, photos: list[HazardPhoto], locale: str, number: int
) -> None:
    """The photos one by one, each captioned with its stage; one line at the end for photos
    Telegram no longer gives back."""
    renderer, missing = rt(context).renderer, 0
    for photo in photos[:MAX_PHOTOS]:
        caption = renderer.text(locale, "hazards/photo_caption", stage=photo.stage, number=number)
        try:
            await send_file(context.bot, chat_id, "photo", photo.file_id, caption)
        except ChatGone:
            return
        except BadRequest:  # "wrong file identifier": the file is gone from Telegram
            missing += 1
    if missing:
        text = renderer.render(locale, "hazards/history_photos_missing", count=missing)
        await send_html(context.bot, chat_id, text)
