"""The hazards feature's handlers: ``/hazard`` (group and private), the card's grade, 判定标准,
invalid and history buttons, the private report's buttons, and the plain messages it takes.

Each button handler matches only its own letters of the ``hz:`` codec (PTB runs the first
match): the rectification and self-check features own the others.
"""

from __future__ import annotations

from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler

from bot.telegram.hazards import grading, history, invalid, private, replies, report


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [
        CommandHandler(report.COMMAND, report.hazard_command),
        CallbackQueryHandler(grading.grade_pressed, pattern=r"^hz:[gipnk]:"),
        CallbackQueryHandler(invalid.invalid_pressed, pattern=r"^hz:z:"),
        CallbackQueryHandler(history.history_pressed, pattern=r"^hz:h:"),
        CallbackQueryHandler(private.enterprise_chosen, pattern=r"^hz:e:"),
        CallbackQueryHandler(private.anonymity_chosen, pattern=r"^hz:a:"),
    ]


def message_handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """Plain messages; registered in a handler group of their own (see ``replies``)."""
    return [MessageHandler(replies.MESSAGES, replies.hazard_message)]
