"""Bot API methods about chats and their members: getChat, administrators, members, leaving.

The first layer of methods on top of the bot's own settings; messages, files and polls build on
it (``messages.py``, ``files.py``, ``methods.py``).
"""

from __future__ import annotations

from bot.emulator.settings import BotSettingsMethods
from bot.emulator.state import ACTIVE, JSON, ApiError, ChatRecord, bad, member_json

_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_NO_LIMITS = {
    "unlimited_gifts": False,
    "limited_gifts": False,
    "unique_gifts": False,
    "premium_subscription": False,
    "gifts_from_channels": False,
}


class ChatMethods(BotSettingsMethods):
    """Chats as the bot sees them, and the chat-member methods."""

    def _chat(self, p: JSON, *, send: bool = False) -> ChatRecord:
        """Resolve ``chat_id`` as Telegram does, raising its exact 400/403 errors."""
        chat_id = p.get("chat_id")
        if isinstance(chat_id, str) and chat_id.removeprefix("-").isdigit():
            chat_id = int(chat_id)  # Telegram accepts numeric strings too
        chat = self.store.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            if send and chat_id in self.store.users:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
            if chat_id == self.bot_user["id"]:
                raise ApiError(403, "Forbidden: bots can't send messages to bots")
            raise bad("chat not found")
        if chat.migrated_to is not None:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": chat.migrated_to},
            )
        if chat.type == "private":
            if chat.bot_status == "kicked":
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if send and not chat.started:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        elif chat.bot_status == "kicked":
            raise ApiError(403, f"Forbidden: bot was kicked from the {chat.kind_name}")
        elif chat.bot_status not in ACTIVE:
            raise ApiError(403, f"Forbidden: bot is not a member of the {chat.kind_name}")
        return chat

    # ----- chats -----
    async def api_get_chat(self, p: JSON) -> JSON:
        """ChatFullInfo with the fields PTB 22.8 requires."""
        return self._chat(p).json() | {
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": _NO_LIMITS,
        }

    async def api_get_chat_administrators(self, p: JSON) -> list[JSON]:
        """Owner first, then administrators (including the bot if promoted)."""
        chat = self._chat(p)
        if chat.type == "private":
            raise bad("there are no administrators in the private chat")
        users = self.store.users
        admins = [member_json("creator", users[chat.creator])] if chat.creator else []
        admins += [
            member_json("administrator", users[a]) for a in sorted(chat.admins) if a != chat.creator
        ]
        if chat.bot_status == "administrator":
            admins.append(self._bot_member(chat))
        return admins

    def _bot_member(self, chat: ChatRecord) -> JSON:
        """The bot's ChatMember; an administrator of a supergroup says if it manages topics."""
        member = member_json(chat.bot_status, self.bot_user)
        if chat.bot_status == "administrator" and chat.type == "supergroup":
            member["can_manage_topics"] = chat.bot_manages_topics
        return member

    async def api_get_chat_member(self, p: JSON) -> JSON:
        """ChatMember of a user (or the bot) in that chat."""
        chat = self._chat(p)
        user_id = p.get("user_id")
        if user_id == self.bot_user["id"]:
            return self._bot_member(chat)
        if user_id not in self.store.users:
            raise bad("user not found")
        private = "member" if chat.id == user_id else "left"
        status = private if chat.type == "private" else chat.status_of(user_id)
        return member_json(status, self.store.users[user_id])

    async def api_get_chat_member_count(self, p: JSON) -> int:
        """People in the chat, the bot included."""
        chat = self._chat(p)
        people = chat.members | chat.admins | ({chat.creator} if chat.creator else set())
        return 2 if chat.type == "private" else len(people) + 1

    async def api_leave_chat(self, p: JSON) -> bool:
        """The bot leaves a group and is told so by my_chat_member."""
        chat = self._chat(p)
        if chat.type == "private":
            raise bad("chat member status can't be changed in private chats")
        self.store.my_chat_member(chat, self.bot_user, chat.bot_status, "left")
        return True

    async def api_send_chat_action(self, p: JSON) -> bool:
        """Validated, otherwise ignored."""
        self._chat(p, send=True)
        if p.get("action") not in _CHAT_ACTIONS:
            raise bad("wrong parameter action in request")
        return True
