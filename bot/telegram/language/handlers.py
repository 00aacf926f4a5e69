"""``/lang zh|en``: the language of a group (its admins decide) or of a private chat (the user).

``/lang`` alone shows the current language with a button per language. Replies after a change
are rendered in the new language, because ``chat_locale`` reads it back from the database.
"""

from __future__ import annotations

from telegram import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.errors import DomainError, NotAdmin, UnknownLanguage
from bot.services.language import preferences as language
from bot.telegram.common import Context, chat_locale, reply, reply_error, rt
from bot.telegram.language.callbacks import PATTERN, decode, encode
from bot.telegram.sending import edit_pressed


def _private(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type == Chat.PRIVATE


async def _apply(update: Update, context: Context, locale: str) -> None:
    """Store ``locale``: the user's own in private, the enterprise's in a group (admins only)."""
    chat, user, ctx = update.effective_chat, update.effective_user, rt(context).ctx
    assert chat is not None and user is not None
    with ctx.session() as session:
        if _private(update):
            language.set_user_locale(session, user_id=user.id, locale=locale, now=ctx.clock.now())
            return
        language.group_enterprise(session, chat.id)  # unregistered: /setup first
    if not await rt(context).admins.is_admin(context.bot, chat.id, user.id):
        raise NotAdmin()
    with ctx.session() as session:
        language.set_group_locale(session, chat_id=chat.id, locale=locale)


async def lang_command(update: Update, context: Context) -> None:
    chat, args = update.effective_chat, context.args or []
    assert chat is not None
    try:
        if args:
            await _apply(update, context, language.resolve(args[0]))
            await reply(update, context, "language/changed", private=_private(update))
            return
        if not _private(update):
            with rt(context).ctx.session() as session:
                language.group_enterprise(session, chat.id)  # unregistered: /setup first
        current = chat_locale(context, update)
        await reply(
            update,
            context,
            "language/choose",
            markup=_buttons(context, current),
            current=current,
            private=_private(update),
        )
    except DomainError as error:
        await reply_error(update, context, error)


def _buttons(context: Context, current: str) -> InlineKeyboardMarkup:
    renderer = rt(context).renderer
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    renderer.text(current, "language/button", code=code, current=code == current),
                    callback_data=encode(code),
                )
                for code in renderer.locales
            ]
        ]
    )


async def choice_pressed(update: Update, context: Context) -> None:
    query, renderer = update.callback_query, rt(context).renderer
    assert query is not None
    locale = decode(query.data)
    try:
        if locale is None:
            raise UnknownLanguage(given="")
        await _apply(update, context, locale)
    except DomainError as error:
        name = (
            "language/admins_only_short"
            if isinstance(error, NotAdmin)
            else "errors/stale_button_short"
        )
        await query.answer(renderer.text(chat_locale(context, update), name), show_alert=True)
        return
    await query.answer(renderer.text(locale, "language/changed_short"))
    text = renderer.render(locale, "language/changed", private=_private(update))
    await edit_pressed(query, text)  # the same language twice: "not modified", no error


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [
        CommandHandler("lang", lang_command),
        CallbackQueryHandler(choice_pressed, pattern=PATTERN),
    ]
