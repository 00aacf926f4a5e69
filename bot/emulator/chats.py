"""Bot API methods about chats and their members: getChat, administrators, members, leaving.

The first layer of methods on top of the bot's own settings; messages, files and polls build on
it (``messages.py``, ``files.py``, ``methods.py``).
"""

from __future__ import annotations

from bot.emulator.settings import BotSettingsMethods
from bot.emulator.state import JSON, ChatRecord, bad, member_json

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
        return self.store.chat_for(p.get("chat_id"), send=send)

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
            admins.append(member_json("administrator", self.bot_user))
        return admins

    async def api_get_chat_member(self, p: JSON) -> JSON:
        """ChatMember of a user (or the bot) in that chat."""
        chat = self._chat(p)
        user_id = p.get("user_id")
        if user_id == self.bot_user["id"]:
            return member_json(chat.bot_status, self.bot_user)
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
