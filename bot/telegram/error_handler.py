"""The one global error handler: log what failed and where, never people's text.

An exception's message may carry what someone typed (a database error quotes the statement's
values, a parser error the input), and so may the update itself. The log line therefore names
the exception's type (and the types it was raised from), the update, chat and user ids, and
the stack as file, line and function: enough to find the bug, nothing a person wrote.
"""

from __future__ import annotations

import logging
import traceback
from pathlib import Path

from telegram import Update

from bot.telegram.common import Context

log = logging.getLogger(__name__)
PACKAGE = Path(__file__).resolve().parents[1]  # bot/
MAX_CHAIN = 5  # exceptions raised while handling others: enough to see the root cause


def _type_name(error: BaseException) -> str:
    cls = type(error)
    return (
        cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"
    )


def _where(error: BaseException) -> str:
    """The stack as ``bot/…/file.py:line in function``, innermost first, our own frames only
    (the innermost frame of a library when none is ours): one short line, no values."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if Path(f.filename).is_relative_to(PACKAGE)]
    shown = ours or frames[-1:]
    return " < ".join(f"{_short(f.filename)}:{f.lineno} in {f.name}" for f in reversed(shown))


def _short(filename: str) -> str:
    path = Path(filename)
    return str(path.relative_to(PACKAGE.parent)) if path.is_relative_to(PACKAGE) else path.name


def describe(error: BaseException) -> str:
    """``Type at file:line in function < …`` for the error and its causes, without messages."""
    parts: list[str] = []
    current: BaseException | None = error
    while current is not None and len(parts) < MAX_CHAIN:
        where = _where(current)
        parts.append(_type_name(current) + (f" at {where}" if where else ""))
        current = current.__cause__ or current.__context__
    return "; raised from ".join(parts)


def update_ids(update: object) -> str:
    """``update_id=… chat_id=… user_id=…`` (ids only) for a Telegram update, else empty."""
    if not isinstance(update, Update):
        return ""
    chat, user = update.effective_chat, update.effective_user
    return (
        f" update_id={update.update_id} chat_id={chat.id if chat else None}"
        f" user_id={user.id if user else None}"
    )


async def on_error(update: object, context: Context) -> None:
    error = context.error
    what = describe(error) if error is not None else "unknown error"
    log.error("error while handling an update:%s %s", update_ids(update), what)
