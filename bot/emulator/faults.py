"""Delivery faults a test controls: a group that mutes the bot, and sends held at Telegram.

A mute is what Telegram does when an admin restricts the bot (or the group's permissions
forbid members to write): the bot stays a member, gets a ``my_chat_member`` update to
``restricted`` with ``can_send_messages: false``, and every send there answers 400
"Bad Request: not enough rights to send text messages to the chat" until it is lifted.

A hold parks matching ``sendMessage`` calls at the fake Telegram until the test releases
them: a slow Telegram whose slowness the test decides, without sleeping.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.emulator.forum import ForumTopics
from bot.emulator.state import ACTIVE, JSON, bad, member_json

_RIGHTS = (
    "can_send_messages",
    "can_send_audios",
    "can_send_documents",
    "can_send_photos",
    "can_send_videos",
    "can_send_video_notes",
    "can_send_voice_notes",
    "can_send_polls",
    "can_send_other_messages",
    "can_add_web_page_previews",
    "can_change_info",
    "can_invite_users",
    "can_pin_messages",
    "can_manage_topics",
    "can_edit_tag",
    "can_react_to_messages",
)


def restricted_json(user: JSON, *, can_send: bool) -> JSON:
    """A ChatMemberRestricted with every field PTB 22.8 requires (``until_date`` 0: forever)."""
    rights = dict.fromkeys(_RIGHTS, False) | {"can_send_messages": can_send}
    return {"status": "restricted", "user": user, "is_member": True, "until_date": 0} | rights


@dataclass
class Hold:
    """``sendMessage`` calls parked at the fake Telegram until ``release()``."""

    chat_id: int | None
    times: int
    arrived: int = 0  # calls this hold has taken so far
    waiting: int = 0  # of those, parked right now
    chat_ids: list[object] = field(default_factory=list)  # where the calls it took were going
    opened: asyncio.Event = field(default_factory=asyncio.Event)

    def release(self) -> None:
        self.opened.set()


class DeliveryFaults(ForumTopics):
    """Mute and unmute the bot in a group; hold sends until the test lets them through."""

    def __init__(
        self, *, bot_id: int, bot_username: str, enforce_limits: bool, now: Callable[[], float]
    ) -> None:
        super().__init__(
            bot_id=bot_id, bot_username=bot_username, enforce_limits=enforce_limits, now=now
        )
        self.muted: set[int] = set()
        self._holds: list[Hold] = []

    # ----- mutes -----
    def mute_bot(self, chat: JSON, *, by: JSON, announce: bool = True) -> None:
        """Restrict the bot: member → restricted, may not send. ``announce=False`` sends no
        update, as when the group's default permissions forbid members to write."""
        rec = self._rec(chat)
        if rec.bot_status != "member" or rec.id in self.muted:
            raise ValueError("only a bot that is a plain member (not admin, not muted) is muted")
        self.muted.add(rec.id)
        if announce:
            old = member_json("member", self.bot_user)
            self._status_update(rec.id, by, old, restricted_json(self.bot_user, can_send=False))

    def unmute_bot(self, chat: JSON, *, by: JSON, announce: bool = True) -> None:
        """Lift the restriction: restricted → member (``announce=False``: no update)."""
        rec = self._rec(chat)
        if rec.id not in self.muted:
            raise ValueError("the bot is not muted in this group")
        self.muted.discard(rec.id)
        if announce:
            old = restricted_json(self.bot_user, can_send=False)
            self._status_update(rec.id, by, old, member_json("member", self.bot_user))

    def _status_update(self, chat_id: int, by: JSON, old: JSON, new: JSON) -> None:
        rec = self.store.chats[chat_id]
        self.store.enqueue(
            "my_chat_member",
            {
                "chat": rec.json(),
                "from": self.store.users.get(by["id"], by),
                "date": int(self.store.now()),
                "old_chat_member": old,
                "new_chat_member": new,
            },
        )

    def _may_send(self, p: JSON, what: str) -> None:
        chat = self._chat(p, send=True)  # not found, kicked, … answer first, as on Telegram
        if chat.id in self.muted and chat.bot_status in ACTIVE:
            raise bad(f"not enough rights to send {what} to the chat")

    # ----- held sends -----
    def hold_sends(self, *, chat_id: int | None = None, times: int = 1) -> Hold:
        """Park the next ``times`` sendMessage calls [to ``chat_id``] until ``release()``."""
        hold = Hold(chat_id, times)
        self._holds.append(hold)
        return hold

    async def _gate(self, p: JSON) -> None:
        for hold in self._holds:
            if hold.opened.is_set() or hold.arrived >= hold.times:
                continue
            if hold.chat_id is not None and p.get("chat_id") != hold.chat_id:
                continue
            hold.arrived += 1
            hold.waiting += 1
            hold.chat_ids.append(p.get("chat_id"))
            self.store.notify()
            try:
                await hold.opened.wait()
            finally:
                hold.waiting -= 1
            return

    async def stop(self) -> None:
        for hold in self._holds:
            hold.release()
        await super().stop()

    # ----- the Bot API methods a mute refuses -----
    async def api_send_message(self, p: JSON) -> JSON:
        """As on Telegram, plus mutes and holds."""
        await self._gate(p)
        self._may_send(p, "text messages")
        return await super().api_send_message(p)

    async def api_send_photo(self, p: JSON) -> JSON:
        """As on Telegram, plus mutes."""
        self._may_send(p, "photos")
        return await super().api_send_photo(p)

    async def api_send_document(self, p: JSON) -> JSON:
        """As on Telegram, plus mutes."""
        self._may_send(p, "documents")
        return await super().api_send_document(p)

    async def api_send_poll(self, p: JSON) -> JSON:
        """As on Telegram, plus mutes."""
        self._may_send(p, "polls")
        return await super().api_send_poll(p)

    async def api_get_chat_member(self, p: JSON) -> JSON:
        """A muted bot is ``restricted``."""
        member = await super().api_get_chat_member(p)
        muted = self._chat(p).id in self.muted
        if muted and p.get("user_id") == self.bot_user["id"]:
            return restricted_json(self.bot_user, can_send=False)
        return member
