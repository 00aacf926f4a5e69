"""``/start``, ``/help`` and a helpful answer to commands the bot does not know."""

from __future__ import annotations

from telegram import Chat, Update
from telegram.ext import BaseHandler, CommandHandler, MessageHandler, filters

from bot.telegram.handlers.common import Context, reply


async def help_command(update: Update, context: Context) -> None:
    chat = update.effective_chat
    await reply(
        update, context, "help/help", private=chat is not None and chat.type == Chat.PRIVATE
    )


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


def fallback_handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [MessageHandler(filters.COMMAND, unknown_command)]
