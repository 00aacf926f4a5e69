"""The people's-records feature's handlers: ``/certs``, ``/cert``, ``/training``, ``/role``,
the ``pp:`` buttons and the typed answers to their questions."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler

from bot.errors import DomainError
from bot.telegram.common import Context
from bot.telegram.people import access, answers, buttons, start

Command = Callable[[Update, Context], Coroutine[Any, Any, None]]


def _refusing(command: Command) -> Command:
    """A command whose refusals (a one-line entry's bad field) are told in the chat."""

    async def run(update: Update, context: Context) -> None:
        try:
            await command(update, context)
        except DomainError as error:
            await access.refuse(update, context, error)

    return run


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [
        CommandHandler("certs", _refusing(start.certs_command)),
        CommandHandler("cert", _refusing(start.cert_command)),
        CommandHandler("training", _refusing(start.training_command)),
        CommandHandler("role", _refusing(start.role_command)),
        CallbackQueryHandler(buttons.pressed, pattern=r"^pp:"),
    ]


def message_handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [
        MessageHandler(answers.MESSAGES, answers.answered),
        MessageHandler(answers.COMMANDS, answers.other_command),
    ]
