"""Small helpers every handler module uses: the runtime, the chat's locale, templated replies."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Chat, ForceReply, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.errors import ChatGone, DomainError, GroupOnly, NotManager
from bot.i18n import normalize_locale
from bot.services import enterprises
from bot.services.language import preferences as language
from bot.store.models import Enterprise
from bot.telegram.runtime import Runtime, runtime_of
from bot.telegram.sending import reply_html, send_html

Context = ContextTypes.DEFAULT_TYPE
log = logging.getLogger(__name__)


def rt(context: Context) -> Runtime:
    return runtime_of(context.bot_data)


def chat_locale(context: Context, update: Update) -> str:
    """The enterprise's language in a registered group; else the user's /lang choice, else
    Telegram's ``language_code``, else the default."""
    runtime = rt(context)
    chat, user = update.effective_chat, update.effective_user
    with runtime.ctx.session() as session:
        if chat is not None and chat.type != Chat.PRIVATE:
            enterprise = enterprises.get_by_chat(session, chat.id)
            if enterprise is not None:
                return enterprise.locale
        chosen = language.user_locale(session, user.id) if user else None
    if chosen is not None:
        return chosen
    default = runtime.ctx.settings.bot_locale
    return normalize_locale(user.language_code if user else None, default)


async def reply(
    update: Update,
    context: Context,
    template: str,
    /,
    *,
    markup: InlineKeyboardMarkup | ForceReply | None = None,
    **values: Any,
) -> None:
    """Reply to the update's message with a rendered template (Telegram HTML). A text over
    Telegram's 4096 characters (a list of long evidence notes, a big roster) goes in parts,
    the keyboard on the last."""
    text = rt(context).renderer.render(chat_locale(context, update), template, **values)
    try:
        if update.effective_message is not None:
            await reply_html(update.effective_message, text, markup)
        elif update.effective_chat is not None:
            await send_html(context.bot, update.effective_chat.id, text, markup)
    except ChatGone:  # blocked by the user, removed or muted meanwhile: nobody to tell
        chat = update.effective_chat
        log.info("reply to chat %s not delivered: the bot may not write there", chat and chat.id)


async def reply_error(update: Update, context: Context, error: DomainError) -> None:
    await reply(update, context, error.template, **error.context)


def display_name(update: Update) -> str:
    user = update.effective_user
    return user.full_name if user else ""


async def is_manager(
    context: Context, chat_id: int, user_id: int, enterprise: Enterprise | None
) -> bool:
    """Chat admins and the enterprise's designated safety officer manage drills, checks, settings."""
    if enterprise is not None and enterprise.safety_officer_id == user_id:
        return True
    return await rt(context).admins.is_admin(context.bot, chat_id, user_id)


async def answer_error(update: Update, context: Context, error: DomainError) -> None:
    """Answer a button press with the error's short text (``<template>_short``) as an alert."""
    query = update.callback_query
    assert query is not None
    renderer = rt(context).renderer
    name = f"{error.template}_short"
    if not renderer.exists(f"{name}.txt.j2"):
        name = "errors/generic_short"
    await query.answer(
        renderer.text(chat_locale(context, update), name, **error.context), show_alert=True
    )


async def managed_enterprise(update: Update, context: Context) -> Enterprise:
    """The group's active enterprise, if the sender manages it (admin or safety officer)."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    if chat.type == Chat.PRIVATE:
        raise GroupOnly()
    with rt(context).ctx.session() as session:
        enterprise = enterprises.require_active(session, chat.id)
    if not await is_manager(context, chat.id, user.id, enterprise):
        raise NotManager()
    return enterprise
