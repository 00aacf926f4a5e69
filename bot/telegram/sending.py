"""The one send path: long texts split, Telegram errors mapped to domain exceptions.

PTB's AIORateLimiter already retries RetryAfter a few times; what still surfaces here is
turned into RetryLater so the outbox reschedules instead of losing the reminder.
"""

from __future__ import annotations

from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.constants import MessageLimit, ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter

from bot.errors import ChatGone, ChatMoved, RetryLater

_GONE = (
    "chat not found",
    "bot was kicked",
    "not enough rights",
    "have no rights",
    "group chat was deleted",
)


def split_text(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Split at line breaks so no part exceeds ``limit`` (a single over-long line is cut hard)."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current or not parts:
        parts.append(current)
    return parts


async def send_html(
    bot: Bot, chat_id: int, text: str, reply_markup: InlineKeyboardMarkup | None = None
) -> Message:
    """Send ``text`` (Telegram HTML); the keyboard goes on the last part. Raises domain errors."""
    parts = split_text(text)
    message: Message | None = None
    try:
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            message = await bot.send_message(
                chat_id,
                part,
                parse_mode=ParseMode.HTML,
                reply_markup=reply_markup if last else None,
            )
    except ChatMigrated as exc:
        raise ChatMoved(exc.new_chat_id) from exc
    except Forbidden as exc:
        raise ChatGone(exc.message) from exc
    except RetryAfter as exc:
        seconds = (
            exc.retry_after.total_seconds()
            if hasattr(exc.retry_after, "total_seconds")
            else float(exc.retry_after)
        )
        raise RetryLater(seconds) from exc
    except BadRequest as exc:
        if any(marker in exc.message.lower() for marker in _GONE):
            raise ChatGone(exc.message) from exc
        raise
    assert message is not None
    return message
