"""What the fake Telegram knows: chats, members, messages, files, polls and the update queue.

Kept apart from HTTP so both the Bot API handlers and the test-facing actors share one truth.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.emulator.forum import Topic

JSON = dict[str, Any]
ACTIVE = ("member", "administrator")  # bot statuses that let it see and write in a chat


class ApiError(Exception):
    """A Bot API failure; the server turns it into {"ok": false, ...} with HTTP status = code."""

    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(f"{code} {description}")
        self.code, self.description, self.parameters = code, description, parameters


def bad(description: str) -> ApiError:
    """Shortcut for Telegram's most common failure, 400 Bad Request."""
    return ApiError(400, f"Bad Request: {description}")


@dataclass
class ApiCall:
    """One HTTP request the bot made, so tests can assert on what was called and how it ended."""

    method: str
    params: JSON
    status: int
    ok: bool
    error_code: int | None
    at: float
    description: str | None = None


@dataclass
class BotMessage:
    """A message as it stands now (after edits), with the JSON Telegram would return for it."""

    chat_id: int
    message_id: int
    from_bot: bool
    text: str | None
    parse_mode: str | None
    reply_markup: JSON | None
    kind: str
    poll: JSON | None
    file_id: str | None
    edits: list[str]
    deleted: bool
    date: int
    raw: JSON
    html: str | None = None  # text/caption exactly as the bot sent it (markup included)
    silent: bool = False  # sent with disable_notification
    message_thread_id: int | None = None  # the forum topic it is in (None: General / no forum)
    posted_markup: JSON | None = None  # the keyboard it was sent with (before any edit)

    def buttons(self) -> list[tuple[str, str | None]]:
        """All keyboard buttons flattened as (text, callback_data); reply keyboards give None."""
        return _flat(self.reply_markup)

    def posted_buttons(self) -> list[tuple[str, str | None]]:
        """The buttons as the message was posted (an edit may have changed or removed them)."""
        return _flat(self.posted_markup)


def _flat(markup: JSON | None) -> list[tuple[str, str | None]]:
    """Keyboard buttons flattened as (text, callback_data); reply keyboards give None."""
    rows = (markup or {}).get("inline_keyboard") or (markup or {}).get("keyboard") or []
    return [
        (b, None) if isinstance(b, str) else (b.get("text", ""), b.get("callback_data"))
        for row in rows
        for b in row
    ]


@dataclass
class ChatRecord:
    """A chat plus who is in it and how the bot stands there."""

    id: int
    type: str  # private / group / supergroup
    title: str | None = None
    user: JSON | None = None  # the other party of a private chat
    creator: int | None = None
    admins: set[int] = field(default_factory=set)
    members: set[int] = field(default_factory=set)
    bot_status: str = "left"  # member / administrator / left / kicked
    started: bool = False  # private: the user has written to the bot
    migrated_to: int | None = None
    messages: dict[int, BotMessage] = field(default_factory=dict)
    is_forum: bool = False  # a supergroup with topics
    topics: dict[int, Topic] = field(default_factory=dict)  # by message_thread_id
    bot_manages_topics: bool = False  # the bot is an admin with can_manage_topics

    def json(self) -> JSON:
        """The Chat object embedded in messages."""
        if self.user is not None:
            keys = ("first_name", "last_name", "username")
            return {"id": self.id, "type": "private"} | {
                k: self.user[k] for k in keys if self.user.get(k) is not None
            }
        forum = {"is_forum": True} if self.is_forum else {}
        return {"id": self.id, "type": self.type, "title": self.title} | forum

    def status_of(self, user_id: int) -> str:
        """Telegram's ChatMember status of a person in this group."""
        if user_id == self.creator:
            return "creator"
        if user_id in self.admins:
            return "administrator"
        return "member" if user_id in self.members else "left"

    @property
    def kind_name(self) -> str:
        """How Telegram names the chat in 403 texts ("group chat", "supergroup chat")."""
        return f"{self.type} chat"


@dataclass
class FileRecord:
    """A stored file: uploaded bytes (or generated stand-in bytes) behind a file_id."""

    file_id: str
    file_unique_id: str
    kind: str  # documents / photos
    data: bytes
    file_name: str | None = None
    mime_type: str | None = None

    @property
    def file_path(self) -> str:
        """Path under /file/bot<token>/ where getFile tells the bot to download it."""
        suffix = ".jpg" if self.kind == "photos" else PurePosixPath(self.file_name or "").suffix
        return f"{self.kind}/file_{self.file_unique_id}{suffix}"


def member_json(status: str, user: JSON) -> JSON:
    """A ChatMember object with every field PTB 22.8 requires for that status."""
    extra: JSON = {}
    if status == "creator":
        extra = {"is_anonymous": False}
    elif status == "administrator":
        rights = (
            "manage_chat",
            "delete_messages",
            "manage_video_chats",
            "restrict_members",
            "change_info",
            "invite_users",
            "pin_messages",
        )
        extra = {
            "can_be_edited": False,
            "is_anonymous": False,
            "can_promote_members": False,
            "can_post_stories": False,
            "can_edit_stories": False,
            "can_delete_stories": False,
        } | {f"can_{r}": True for r in rights}
    elif status == "kicked":
        extra = {"until_date": 0}
    return {"status": status, "user": user} | extra


class Store:
    """Mutable world state plus the update queue and a change signal for waiters."""

    def __init__(self, bot_user: JSON, now: Callable[[], float]) -> None:
        self.bot_user, self.now = bot_user, now
        self.users: dict[int, JSON] = {}
        self.chats: dict[int, ChatRecord] = {}
        self.files: dict[str, FileRecord] = {}
        self.polls: dict[str, tuple[int, int, dict[int, list[int]]]] = {}  # id -> chat, msg, votes
        self.callbacks: dict[str, JSON] = {}  # query id -> {"chat_id","message_id","answer"}
        self.updates: list[JSON] = []
        self.allowed_updates: list[str] | None = None
        self.delivered_upto = 0
        self.closing = False
        self._next_update = 1
        self._counter = 0
        self._changed = asyncio.Event()

    def next_id(self) -> int:
        """A fresh number for file ids, poll ids and callback query ids."""
        self._counter += 1
        return self._counter

    def new_file(
        self, kind: str, data: bytes, file_name: str | None = None, mime_type: str | None = None
    ) -> FileRecord:
        """Store bytes under a fresh file_id (photos and documents look different, as on TG)."""
        n = self.next_id()
        prefix = "AgACAgIAAxkBAAI" if kind == "photos" else "BQACAgIAAxkBAAI"
        rec = FileRecord(f"{prefix}{n:06d}", f"AQAD{n:06d}", kind, data, file_name, mime_type)
        self.files[rec.file_id] = rec
        return rec

    def media_json(self, rec: FileRecord) -> tuple[str, Any]:
        """("photo", [small, large PhotoSize]) or ("document", Document) for a message body."""
        if rec.kind == "photos":
            small = self.new_file("photos", rec.data)
            return "photo", [
                {
                    "file_id": r.file_id,
                    "file_unique_id": r.file_unique_id,
                    "width": w,
                    "height": w,
                    "file_size": len(r.data),
                }
                for r, w in ((small, 90), (rec, 800))
            ]
        doc = {
            "file_id": rec.file_id,
            "file_unique_id": rec.file_unique_id,
            "file_name": rec.file_name,
            "mime_type": rec.mime_type,
            "file_size": len(rec.data),
        }
        return "document", {k: v for k, v in doc.items() if v is not None}

    def notify(self) -> None:
        """Wake everything awaiting a change (long polls, wait_for)."""
        self._changed.set()
        self._changed = asyncio.Event()

    @property
    def changed(self) -> asyncio.Event:
        """Event set at the next change; take it *before* checking a condition."""
        return self._changed

    def enqueue(self, kind: str, payload: JSON) -> int:
        """Queue an Update (as a snapshot) for getUpdates."""
        update: JSON = {"update_id": self._next_update, kind: copy.deepcopy(payload)}
        self._next_update += 1
        self.updates.append(update)
        self.notify()
        return int(update["update_id"])

    def add_message(self, chat: ChatRecord, sender: JSON, body: JSON, kind: str) -> BotMessage:
        """Create the next message in a chat and remember it."""
        message_id = max(chat.messages, default=0) + 1
        head = {"message_id": message_id, "from": sender, "chat": chat.json()}
        raw: JSON = head | {"date": int(self.now())} | body
        from_bot = sender["id"] == self.bot_user["id"]
        text = body.get("text", body.get("caption"))
        msg = BotMessage(
            chat.id,
            message_id,
            from_bot,
            text,
            None,
            body.get("reply_markup"),
            kind,
            body.get("poll"),
            None,
            [],
            False,
            raw["date"],
            raw,
            message_thread_id=body.get("message_thread_id"),
            posted_markup=body.get("reply_markup"),
        )
        chat.messages[message_id] = msg
        return msg

    def my_chat_member(self, chat: ChatRecord, by: JSON, old: str, new: str) -> None:
        """Tell the bot its own status changed in a chat."""
        chat.bot_status = new
        self.enqueue(
            "my_chat_member",
            {
                "chat": chat.json(),
                "from": by,
                "date": int(self.now()),
                "old_chat_member": member_json(old, self.bot_user),
                "new_chat_member": member_json(new, self.bot_user),
            },
        )
