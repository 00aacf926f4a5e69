"""Forum supergroups: topics the bot or people create, close, reopen and delete.

A topic is identified by its ``message_thread_id``, the id of its ``forum_topic_created``
service message. Sending into a closed topic answers 400 "TOPIC_CLOSED" unless the sender is
an administrator who may manage topics; into a deleted or unknown one, 400 "message thread not
found" (see ``MessageMethods._in_thread``). Deleting a topic deletes its messages.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.emulator.actors import UserActions
from bot.emulator.state import ACTIVE, JSON, ChatRecord, bad

TOPIC_COLORS = (7322096, 16766590, 13338331, 9367192, 16749490, 16478047)  # Telegram's six


@dataclass
class Topic:
    """One forum topic, as it stands now."""

    thread_id: int
    name: str
    icon_color: int
    created_by: int
    closed: bool = False
    deleted: bool = False

    def json(self) -> JSON:
        """The ForumTopic object createForumTopic returns."""
        return {
            "message_thread_id": self.thread_id,
            "name": self.name,
            "icon_color": self.icon_color,
        }


class ForumTopics(UserActions):
    """createForumTopic & co. for the bot, and the same actions for people in the group."""

    # ----- shared by the bot's calls and people's actions -----
    def _new_topic(self, chat: ChatRecord, by: JSON, name: str, icon_color: int) -> Topic:
        if not chat.is_forum:
            raise bad("the chat is not a forum")
        if not 1 <= len(name) <= 128:
            raise bad("TOPIC_TITLE_EMPTY" if not name else "TOPIC_TITLE_TOO_LONG")
        if icon_color not in TOPIC_COLORS:
            raise bad("TOPIC_ICON_COLOR_INVALID")
        created = {"forum_topic_created": {"name": name, "icon_color": icon_color}}
        msg = self.store.add_message(chat, by, created, "service")
        msg.raw |= {"message_thread_id": msg.message_id, "is_topic_message": True}
        msg.message_thread_id = msg.message_id
        topic = Topic(msg.message_id, name, icon_color, int(by["id"]))
        chat.topics[topic.thread_id] = topic
        self._announce(chat, by, msg.raw)
        return topic

    def _topic(self, chat: ChatRecord, thread_id: object) -> Topic:
        topic = chat.topics.get(thread_id) if isinstance(thread_id, int) else None
        if not chat.is_forum:
            raise bad("the chat is not a forum")
        if topic is None or topic.deleted:
            raise bad("TOPIC_ID_INVALID")
        return topic

    def _close(self, chat: ChatRecord, by: JSON, topic: Topic, closed: bool) -> None:
        if topic.closed == closed:
            raise bad("TOPIC_NOT_MODIFIED")
        topic.closed = closed
        event = "forum_topic_closed" if closed else "forum_topic_reopened"
        body = {"message_thread_id": topic.thread_id, "is_topic_message": True, event: {}}
        self._announce(chat, by, self.store.add_message(chat, by, body, "service").raw)

    def _delete(self, chat: ChatRecord, topic: Topic) -> None:
        topic.deleted = True
        for msg in chat.messages.values():
            if msg.message_thread_id == topic.thread_id:
                msg.deleted = True
        self.store.notify()

    def _announce(self, chat: ChatRecord, by: JSON, message: JSON) -> None:
        """Service messages reach the bot (privacy mode or not), but never its own."""
        if by["id"] != self.bot_user["id"] and chat.bot_status in ACTIVE:
            self.store.enqueue("message", message)

    def _bot_manages(self, chat: ChatRecord, topic: Topic | None = None) -> bool:
        admin = chat.bot_status == "administrator" and chat.bot_manages_topics
        return admin or (topic is not None and topic.created_by == self.bot_user["id"])

    # ----- the Bot API -----
    async def api_create_forum_topic(self, p: JSON) -> JSON:
        """Needs an administrator bot with can_manage_topics; returns the ForumTopic."""
        chat = self._chat(p)
        if chat.is_forum and not self._bot_manages(chat):
            raise bad("not enough rights to create a topic")
        color = p.get("icon_color", TOPIC_COLORS[0])
        return self._new_topic(chat, self.bot_user, str(p.get("name") or ""), color).json()

    async def api_close_forum_topic(self, p: JSON) -> bool:
        """The topic's creator or an administrator with can_manage_topics may close it."""
        chat = self._chat(p)
        topic = self._topic(chat, p.get("message_thread_id"))
        if not self._bot_manages(chat, topic):
            raise bad("CHAT_ADMIN_REQUIRED")
        self._close(chat, self.bot_user, topic, closed=True)
        return True

    async def api_reopen_forum_topic(self, p: JSON) -> bool:
        """As closeForumTopic, the other way."""
        chat = self._chat(p)
        topic = self._topic(chat, p.get("message_thread_id"))
        if not self._bot_manages(chat, topic):
            raise bad("CHAT_ADMIN_REQUIRED")
        self._close(chat, self.bot_user, topic, closed=False)
        return True

    async def api_delete_forum_topic(self, p: JSON) -> bool:
        """Needs an administrator bot (can_delete_messages); the topic's messages go too."""
        chat = self._chat(p)
        topic = self._topic(chat, p.get("message_thread_id"))
        if chat.bot_status != "administrator":
            raise bad("CHAT_ADMIN_REQUIRED")
        self._delete(chat, topic)
        return True

    # ----- people (group administrators) acting on topics -----
    def _admin_in(self, chat: JSON, user: JSON) -> ChatRecord:
        rec = self._rec(chat)
        uid = self._known(user)
        if uid != rec.creator and uid not in rec.admins:
            raise ValueError(f"user {uid} is not an administrator of chat {rec.id}")
        return rec

    def create_topic(
        self, chat: JSON, user: JSON, name: str, *, icon_color: int = TOPIC_COLORS[0]
    ) -> int:
        """An administrator creates a topic; returns its message_thread_id."""
        rec = self._admin_in(chat, user)
        return self._new_topic(rec, self.store.users[user["id"]], name, icon_color).thread_id

    def close_topic(self, chat: JSON, user: JSON, thread_id: int) -> None:
        """An administrator closes the topic: only administrators may post there now."""
        rec = self._admin_in(chat, user)
        self._close(rec, self.store.users[user["id"]], self._topic(rec, thread_id), closed=True)

    def reopen_topic(self, chat: JSON, user: JSON, thread_id: int) -> None:
        """An administrator reopens a closed topic."""
        rec = self._admin_in(chat, user)
        self._close(rec, self.store.users[user["id"]], self._topic(rec, thread_id), closed=False)

    def delete_topic(self, chat: JSON, user: JSON, thread_id: int) -> None:
        """An administrator deletes the topic and every message in it (no update for the bot)."""
        rec = self._admin_in(chat, user)
        self._delete(rec, self._topic(rec, thread_id))
