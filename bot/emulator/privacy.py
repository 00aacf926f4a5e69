"""Privacy mode: which group messages Telegram delivers to a bot at all.

BotFather turns privacy mode on for every new bot. Such a bot gets, from a group where it is a
plain member, only: commands (a text or caption starting with ``/cmd``, or ``/cmd@thisbot``;
``/cmd@otherbot`` goes to the other bot), replies to its own messages, messages that mention
``@thisbot``, and service messages (members joining or leaving, migrations, pins, topics).
Private chats, bots that are group administrators and bots with privacy mode off get every
message. Callback queries, poll answers and ``my_chat_member`` are not messages: they always
arrive. A message filtered out here is never queued, so neither getUpdates nor a webhook sees it.
"""

from __future__ import annotations

from bot.emulator.state import JSON, ChatRecord
from bot.emulator.text import COMMAND, MENTION

_CONTENT = frozenset(
    {
        "text",
        "caption",
        "photo",
        "document",
        "audio",
        "video",
        "voice",
        "video_note",
        "sticker",
        "animation",
        "contact",
        "location",
        "venue",
        "poll",
        "dice",
        "story",
    }
)


def _is_service(message: JSON) -> bool:
    """No content a person typed or attached: a join, leave, migration, pin or topic event."""
    return not _CONTENT & message.keys()


def _is_command_for(text: str, username: str) -> bool:
    m = COMMAND.match(text)
    return m is not None and (m.group(1) is None or m.group(1).lower() == username)


def _mentions(text: str, username: str) -> bool:
    return any(m.group(1).lower() == username for m in MENTION.finditer(text))


def reaches_bot(chat: ChatRecord, message: JSON, bot_user: JSON, *, privacy_mode: bool) -> bool:
    """Whether Telegram hands this new message in ``chat`` to the bot."""
    if not privacy_mode or chat.type == "private" or chat.bot_status == "administrator":
        return True
    if _is_service(message):
        return True
    username = str(bot_user.get("username", "")).lower()
    replied = message.get("reply_to_message") or {}
    if (replied.get("from") or {}).get("id") == bot_user["id"]:
        return True
    text = str(message.get("text", message.get("caption", "")))
    return _is_command_for(text, username) or _mentions(text, username)
