"""``/start``, ``/help`` and a helpful answer to commands the bot does not know."""

from __future__ import annotations

from telegram import Chat, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.telegram.commands import GROUP_COMMANDS, PRIVATE_COMMANDS
from bot.telegram.common import Context, chat_locale, reply, rt


async def help_command(update: Update, context: Context) -> None:
    chat = update.effective_chat
    private = chat is not None and chat.type == Chat.PRIVATE
    renderer, locale = rt(context).renderer, chat_locale(context, update)
    names = PRIVATE_COMMANDS if private else GROUP_COMMANDS
    commands = [(name, renderer.text(locale, f"commands/{name}")) for name in names]
    await reply(update, context, "help/help", private=private, commands=commands)


async def unknown_command(update: Update, context: Context) -> None:
    message, chat = update.effective_message, update.effective_chat
    if message is None or message.text is None or chat is None:
        return
    command = message.text.split()[0]
    addressed = (
        "@" in command and command.split("@", 1)[1].lower() == (context.bot.username or "").lower()
    )
    if chat.type == Chat.PRIVATE or addressed:  # in groups, other bots' commands are not ours
        await reply(update, context, "help/unknown_command", command=command.split("@")[0])


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [CommandHandler(["start", "help"], help_command)]


async def unknown_button(update: Update, context: Context) -> None:
    """A button nobody handles (forged, or from an older version): say so, change nothing."""
    query = update.callback_query
    if query is not None:
        await query.answer(
            rt(context).renderer.text(chat_locale(context, update), "errors/stale_button_short"),
            show_alert=True,
        )


def fallback_handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [MessageHandler(filters.COMMAND, unknown_command), CallbackQueryHandler(unknown_button)]
