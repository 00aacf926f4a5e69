"""The one send path: long texts split, Telegram errors mapped to domain exceptions.

Calm by default: in a group every message goes out silently (``disable_notification``), so
members' phones stay quiet; only the daily digest and what cannot wait (a drill starting)
pass ``silent=False``. Private chats notify as usual.

PTB's AIORateLimiter retries RetryAfter a few times (not for the outbox, see
``bot.telegram.ratelimit``); what surfaces here is turned into RetryLater so the outbox
reschedules instead of losing the reminder.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from telegram import (
    Bot,
    CallbackQuery,
    Chat,
    ForceReply,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    ReplyParameters,
)
from telegram.constants import MessageLimit, ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter
from telegram.ext import ExtBot

from bot.errors import ChatGone, ChatMoved, ChatMuted, RetryLater
from bot.telegram.ratelimit import NO_RETRY

_GONE = (
    "chat not found",
    "bot was kicked",
    "group chat was deleted",
)
# The bot is still in the group but restricted ("not enough rights to send text messages to
# the chat"; "have no rights to send a message" in basic groups): a mute, not a removal.
_MUTED = ("not enough rights to send", "have no rights to send")
# 400s that are about the message or the chat's set-up, not the connection: labels for
# metrics and the outbox's failure record. Anything else is "bad_request".
_REJECTIONS = (
    ("topic_closed", "topic_closed"),
    ("message thread not found", "thread_not_found"),
    ("can't parse entities", "parse_entities"),
    ("message is too long", "too_long"),
)


def rejection_reason(message: str) -> str:
    """A short fixed label for a 400 Telegram gave (PTB's ``BadRequest.message``)."""
    text = message.lower()
    return next((label for marker, label in _REJECTIONS if marker in text), "bad_request")


_ATOM = re.compile(r"<[^<>]*>|&#?[A-Za-z0-9]{1,10};|.", re.DOTALL)
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
_WHOLE_TAG = re.compile(r"<[^<>]*>")


def _units(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji counts two)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _closing(tags: list[tuple[str, str]]) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(tags))


def _after(tags: list[tuple[str, str]], atom: str) -> list[tuple[str, str]]:
    """The tags open after ``atom`` (a tag, an entity or one character)."""
    match = _TAG.match(atom)
    if match is None:
        return tags
    name = match.group(2).lower()
    if not match.group(1):
        return [*tags, (name, atom)]
    for i in range(len(tags) - 1, -1, -1):
        if tags[i][0] == name:
            return tags[:i] + tags[i + 1 :]
    return tags


def split_text(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Split Telegram HTML into parts of at most ``limit`` UTF-16 units, each valid on its own.

    Parts end at line breaks where possible; a line longer than a part is cut between
    characters, never inside a tag or an entity (``&amp;``), and a tag open at a cut is closed
    there and opened again in the next part. A hard cut of the HTML source would make Telegram
    refuse the part ("can't parse entities") on every retry, so the reminder would never arrive.
    A text that fits is returned as it is (nearly every message: no per-character work).
    """
    if len(text) * 2 <= limit or _units(text) <= limit:  # a character is at most 2 units
        return [text]
    parts: list[str] = []
    atoms: list[str] = []  # the part being built, starting with the tags it re-opens
    size, prefix = 0, 0  # its length, and how many of its atoms are re-opened tags
    tags: list[tuple[str, str]] = []
    newline: tuple[int, list[tuple[str, str]]] | None = None  # atoms and tags after the last "\n"

    def restart(rest: list[str], still_open: list[tuple[str, str]]) -> None:
        nonlocal atoms, size, prefix, newline
        atoms = [opening for _, opening in still_open] + rest
        prefix, newline = len(still_open), None
        size = sum(_units(a) for a in atoms)

    for atom in _ATOM.findall(text):
        grown = _after(tags, atom)
        while len(atoms) > prefix and size + _units(atom) + _units(_closing(grown)) > limit:
            if newline is not None and newline[0] > prefix + 1:
                at, open_then = newline
                parts.append("".join(atoms[: at - 1]) + _closing(open_then))
                restart(atoms[at:], open_then)
            else:
                parts.append("".join(atoms) + _closing(tags))
                restart([], tags)
        atoms.append(atom)
        size += _units(atom)
        tags = grown
        if atom == "\n":
            newline = (len(atoms), tags)
    parts.append("".join(atoms) + _closing(tags))
    kept = [p for p in parts if _WHOLE_TAG.sub("", p).strip()]
    return kept or [parts[-1]]


def quiet_in(chat_id: int, silent: bool | None) -> bool:
    """``disable_notification`` for a message to ``chat_id``: groups (negative ids) are quiet
    unless the caller says otherwise."""
    return silent if silent is not None else chat_id < 0


@contextmanager
def telegram_errors() -> Iterator[None]:
    """Telegram's chat-level answers as the domain's: ChatMoved, ChatGone, ChatMuted, RetryLater;
    any other 400 is re-raised as it is."""
    try:
        yield
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
        text = exc.message.lower()
        if any(marker in text for marker in _MUTED):
            raise ChatMuted(exc.message) from exc
        if any(marker in text for marker in _GONE):
            raise ChatGone(exc.message) from exc
        raise


async def send_html(
    bot: Bot,
    chat_id: int,
    text: str,
    reply_markup: InlineKeyboardMarkup | ForceReply | None = None,
    *,
    retry_429: bool = True,
    reply_to: int | None = None,
    thread_id: int | None = None,
    silent: bool | None = None,
) -> Message:
    """Send ``text`` (Telegram HTML); the keyboard goes on the last part. Raises domain errors.

    ``silent``: None is silent in groups and notifying in private chats (``quiet_in``).

    ``retry_429=False`` (the outbox) skips the rate limiter's waiting on a 429, which would hold
    back every other chat: the RetryLater surfaces at once and the caller reschedules.
    """
    parts = split_text(text)
    message: Message | None = None
    limit: dict[str, Any] = (
        {"rate_limit_args": NO_RETRY} if not retry_429 and isinstance(bot, ExtBot) else {}
    )
    with telegram_errors():
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            message = await bot.send_message(
                chat_id,
                part,
                parse_mode=ParseMode.HTML,
                reply_markup=reply_markup if last else None,
                reply_parameters=ReplyParameters(reply_to) if reply_to is not None else None,
                message_thread_id=thread_id,
                disable_notification=quiet_in(chat_id, silent),
                **limit,
            )
    assert message is not None
    return message


async def edit_html(
    bot: Bot,
    chat_id: int,
    message_id: int,
    text: str,
    reply_markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Edit a message's text (Telegram HTML) and keyboard. An edit cannot add messages, so a
    text over the limit keeps its first part; "message is not modified" is not an error."""
    try:
        await bot.edit_message_text(
            split_text(text)[0],
            chat_id=chat_id,
            message_id=message_id,
            parse_mode=ParseMode.HTML,
            reply_markup=reply_markup,
        )
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            raise


async def edit_keyboard(
    bot: Bot, chat_id: int, message_id: int, reply_markup: InlineKeyboardMarkup | None
) -> None:
    """Replace (or, with None, remove) a message's buttons; "not modified" is not an error."""
    try:
        await bot.edit_message_reply_markup(chat_id, message_id, reply_markup=reply_markup)
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            raise


async def edit_pressed(
    query: CallbackQuery, text: str | None, reply_markup: InlineKeyboardMarkup | None = None
) -> None:
    """Edit the message whose button was pressed: its text and keyboard, or with ``text=None``
    only its keyboard. A message too old to be edited (Telegram no longer shows it) is left."""
    message = query.message
    if message is None:
        return
    bot = query.get_bot()
    if text is None:
        await edit_keyboard(bot, message.chat.id, message.message_id, reply_markup)
    else:
        await edit_html(bot, message.chat.id, message.message_id, text, reply_markup)


async def reply_html(
    message: Message, text: str, reply_markup: InlineKeyboardMarkup | ForceReply | None = None
) -> Message:
    """Answer ``message`` where it was written: quoting it in groups (as PTB's ``reply_html``
    does), in its forum topic if it has one."""
    return await send_html(
        message.get_bot(),
        message.chat_id,
        text,
        reply_markup,
        reply_to=message.message_id if message.chat.type != Chat.PRIVATE else None,
        thread_id=message.message_thread_id if message.is_topic_message else None,
    )


async def send_file(
    bot: Bot, chat_id: int, kind: str, file: str | InputFile, caption: str | None = None
) -> Message:
    """A photo or document (a Telegram file id or an upload); errors as for ``send_html``."""
    quiet = quiet_in(chat_id, None)
    with telegram_errors():
        if kind == "photo":
            return await bot.send_photo(chat_id, file, caption=caption, disable_notification=quiet)
        return await bot.send_document(chat_id, file, caption=caption, disable_notification=quiet)


async def send_poll(
    bot: Bot, chat_id: int, question: str, options: list[str], **poll: Any
) -> Message:
    """A poll (a group quiz question), silent in groups; errors as for ``send_html``."""
    poll.setdefault("disable_notification", quiet_in(chat_id, None))
    with telegram_errors():
        return await bot.send_poll(chat_id, question, options, **poll)
