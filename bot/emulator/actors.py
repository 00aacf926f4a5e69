"""Acting as Telegram users: create people and chats, write, press buttons, vote, upgrade.

Every action enqueues exactly the Updates Telegram would send the bot for it.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable, Sequence
from typing import cast

from bot.emulator.methods import BotApiMethods
from bot.emulator.state import ACTIVE, JSON, BotMessage, ChatRecord
from bot.emulator.text import command_entities


class UserActions(BotApiMethods):
    """What people in Telegram can do; each call returns the object it created."""

    def __init__(self, *, bot_id: int, bot_username: str, enforce_limits: bool,
                 now: Callable[[], float]) -> None:
        super().__init__(bot_id=bot_id, bot_username=bot_username,
                         enforce_limits=enforce_limits, now=now)
        self._next_user, self._next_super, self._next_basic = 1001, 1, 1

    # ----- people and chats -----
    def create_user(self, first_name: str, *, username: str | None = None,
                    language_code: str | None = "zh-hans", last_name: str | None = None) -> JSON:
        """A new human user (ids 1001, 1002, ...)."""
        user: JSON = {"id": self._next_user, "is_bot": False, "first_name": first_name}
        optional = {"last_name": last_name, "username": username, "language_code": language_code}
        user |= {k: v for k, v in optional.items() if v is not None}
        self._next_user += 1
        self.store.users[user["id"]] = user
        return dict(user)

    def _known(self, user: JSON) -> int:
        self.store.users.setdefault(user["id"], dict(user))
        return int(user["id"])

    def _rec(self, chat: JSON) -> ChatRecord:
        try:
            return self.store.chats[chat["id"]]
        except KeyError:
            raise LookupError(f"unknown chat {chat.get('id')}") from None

    def _new_supergroup_id(self) -> int:
        self._next_super += 1
        return -1001000000000 - (self._next_super - 1)

    def create_group(self, title: str, *, admins: Sequence[JSON] = (),
                     members: Sequence[JSON] = (), supergroup: bool = True,
                     creator: JSON | None = None) -> JSON:
        """A group without the bot in it; the first admin owns it unless creator is given."""
        if supergroup:
            chat_id = self._new_supergroup_id()
        else:
            chat_id, self._next_basic = -4000 - self._next_basic, self._next_basic + 1
        owner = creator or (admins[0] if admins else None)
        rec = ChatRecord(chat_id, "supergroup" if supergroup else "group", title=title,
                         creator=self._known(owner) if owner else None,
                         admins={self._known(a) for a in admins},
                         members={self._known(m) for m in members})
        self.store.chats[chat_id] = rec
        return rec.json()

    def private_chat(self, user: JSON) -> JSON:
        """The private chat of that user with the bot (chat id == user id)."""
        uid = self._known(user)
        if uid not in self.store.chats:
            self.store.chats[uid] = ChatRecord(uid, "private", user=self.store.users[uid],
                                               bot_status="member")
        return self.store.chats[uid].json()

    def add_bot_to_group(self, chat: JSON, *, by: JSON) -> None:
        """my_chat_member (-> member) plus the new_chat_members service message."""
        rec = self._rec(chat)
        self._known(by)
        self.store.my_chat_member(rec, by, rec.bot_status, "member")
        msg = self.store.add_message(rec, by, {"new_chat_members": [self.bot_user]}, "service")
        self.store.enqueue("message", msg.raw)

    def remove_bot_from_group(self, chat: JSON, *, by: JSON) -> None:
        """The bot is kicked: my_chat_member, then every send there answers 403."""
        rec = self._rec(chat)
        self.store.my_chat_member(rec, by, rec.bot_status, "kicked")

    def block_bot(self, user: JSON) -> None:
        """The user blocks the bot; writing to the bot again unblocks it."""
        rec = self._rec(self.private_chat(user))
        self.store.my_chat_member(rec, user, rec.bot_status, "kicked")

    def set_admin(self, chat: JSON, user: JSON, is_admin: bool = True) -> None:
        """Promote/demote a user, or the bot itself (then it gets a my_chat_member)."""
        rec = self._rec(chat)
        uid = self._known(user)
        if uid == self.bot_user["id"]:
            if rec.bot_status not in ACTIVE:
                raise ValueError("the bot is not in this group; add_bot_to_group first")
            new = "administrator" if is_admin else "member"
            if new != rec.bot_status:
                by = self.store.users.get(rec.creator or 0, self.bot_user)
                self.store.my_chat_member(rec, by, rec.bot_status, new)
        elif is_admin:
            rec.admins.add(uid)
        else:
            rec.admins.discard(uid)
            rec.members.add(uid)
        self.store.notify()

    # ----- people writing -----
    def _post(self, chat: JSON, user: JSON, body: JSON, kind: str,
              reply_to: int | None) -> BotMessage:
        rec = self._rec(chat)
        uid = self._known(user)
        if rec.migrated_to is not None:
            raise ValueError(f"chat {rec.id} was migrated to {rec.migrated_to}")
        if reply_to is not None:
            target = rec.messages.get(reply_to)
            if target is None:
                raise LookupError(f"no message {reply_to} in chat {rec.id}")
            body["reply_to_message"] = {k: v for k, v in target.raw.items()
                                        if k != "reply_to_message"}
        if rec.type == "private":
            if uid != rec.id:
                raise ValueError("only the chat's own user writes in a private chat")
            if rec.bot_status == "kicked":
                self.store.my_chat_member(rec, user, "kicked", "member")
            rec.started = True
        elif uid != rec.creator and uid not in rec.admins:
            rec.members.add(uid)
        msg = self.store.add_message(rec, self.store.users[uid], body, kind)
        if rec.type == "private" or rec.bot_status in ACTIVE:
            self.store.enqueue("message", msg.raw)
        return msg

    def send_text(self, chat: JSON, user: JSON, text: str, *,
                  reply_to: int | None = None) -> JSON:
        """A text message; a leading /command gets its bot_command entity."""
        entities = command_entities(text)
        body = {"text": text} | ({"entities": entities} if entities else {})
        return dict(self._post(chat, user, body, "text", reply_to).raw)

    def _user_file(self, chat: JSON, user: JSON, kind: str, data: bytes, caption: str | None,
                   reply_to: int | None, file_name: str | None = None) -> JSON:
        mime = mimetypes.guess_type(file_name)[0] if file_name else None
        rec = self.store.new_file(kind, data, file_name, mime)
        key, media = self.store.media_json(rec)
        body = {key: media} | ({"caption": caption} if caption else {})
        msg = self._post(chat, user, body, key, reply_to)
        msg.file_id = rec.file_id
        return dict(msg.raw)

    def send_photo(self, chat: JSON, user: JSON, *, caption: str | None = None,
                   reply_to: int | None = None) -> JSON:
        """A photo (two PhotoSizes with fresh file ids; getFile/download work on them)."""
        data = f"emulated photo {self.store.next_id()}".encode()
        return self._user_file(chat, user, "photos", data, caption, reply_to)

    def send_document(self, chat: JSON, user: JSON, *, file_name: str = "report.pdf",
                      caption: str | None = None, reply_to: int | None = None) -> JSON:
        """A document with generated content."""
        data = f"emulated document {file_name} {self.store.next_id()}".encode()
        return self._user_file(chat, user, "documents", data, caption, reply_to, file_name)

    def _press(self, rec: ChatRecord, user: JSON, msg: BotMessage, data: str) -> str:
        query_id = str(4_200_000_000_000_000_000 + self.store.next_id())
        self.store.callbacks[query_id] = {"chat_id": rec.id, "message_id": msg.message_id,
                                          "data": data, "answer": None}
        message = (msg.raw if not msg.deleted else
                   {"chat": rec.json(), "message_id": msg.message_id, "date": 0})
        self.store.enqueue("callback_query", {
            "id": query_id, "from": self.store.users[self._known(user)], "message": message,
            "chat_instance": str(abs(rec.id) * 7 + 3), "data": data})
        return query_id

    def press_button(self, chat: JSON, user: JSON, message_id: int, *, data: str | None = None,
                     text: str | None = None) -> str:
        """Press a callback button of the bot's message as it is now; returns the query id."""
        rec = self._rec(chat)
        msg = rec.messages.get(message_id)
        if msg is None or msg.deleted or not msg.from_bot:
            raise LookupError(f"no bot message {message_id} in chat {rec.id}")
        rows = (msg.reply_markup or {}).get("inline_keyboard") or []
        found = [b for row in rows for b in row
                 if "callback_data" in b and data in (None, b["callback_data"])]
        if text is not None:
            found = [b for b in found if b["text"] == text] or [
                b for b in found if text in b["text"]]
        if not found or (data is None and text is None):
            raise LookupError(f"no button data={data!r} text={text!r} on message {message_id}; "
                              f"buttons: {msg.buttons()}")
        return self._press(rec, user, msg, str(found[0]["callback_data"]))

    def press_raw(self, chat: JSON, user: JSON, message_id: int, data: str) -> str:
        """A forged press: any data, on any existing message (deleted ones are inaccessible)."""
        rec = self._rec(chat)
        if message_id not in rec.messages:
            raise LookupError(f"no message {message_id} in chat {rec.id}")
        return self._press(rec, user, rec.messages[message_id], data)

    def answer_poll(self, poll_id: str, user: JSON, option_ids: list[int]) -> None:
        """Vote (empty list = retract) as Telegram allows; poll_answer only if not anonymous."""
        if poll_id not in self.store.polls:
            raise LookupError(f"unknown poll {poll_id}")
        chat_id, message_id, votes = self.store.polls[poll_id]
        poll = cast(JSON, self.store.chats[chat_id].messages[message_id].poll)
        options, uid = poll["options"], self._known(user)
        if poll["is_closed"]:
            raise ValueError("the poll is closed")
        if len(set(option_ids)) != len(option_ids) or any(
                not 0 <= o < len(options) for o in option_ids):
            raise ValueError(f"invalid option ids {option_ids}")
        if len(option_ids) > 1 and not poll["allows_multiple_answers"]:
            raise ValueError("this poll allows one answer")
        previous = votes.pop(uid, [])
        if (previous and not poll["allows_revoting"]) or (not previous and not option_ids):
            votes[uid] = previous
            raise ValueError("Telegram would not let this user change or retract the vote")
        for o in previous:
            options[o]["voter_count"] -= 1
        for o in option_ids:
            options[o]["voter_count"] += 1
        if option_ids:
            votes[uid] = list(option_ids)
        poll["total_voter_count"] = len(votes)
        if not poll["is_anonymous"]:
            self.store.enqueue("poll_answer", {
                "poll_id": poll_id, "user": self.store.users[uid], "option_ids": option_ids,
                "option_persistent_ids": [options[o]["persistent_id"] for o in option_ids]})
        self.store.enqueue("poll", poll)

    def migrate_to_supergroup(self, chat: JSON) -> JSON:
        """Upgrade a basic group; the old id then answers 400 with migrate_to_chat_id."""
        rec = self._rec(chat)
        if rec.type != "group" or rec.migrated_to is not None:
            raise ValueError("only a basic group that was not yet migrated can be upgraded")
        people = sorted(rec.admins | rec.members)
        actor_id = rec.creator or (people[0] if people else None)
        if actor_id is None:
            raise ValueError("a group needs at least one person to upgrade it")
        actor = self.store.users[actor_id]
        new = ChatRecord(self._new_supergroup_id(), "supergroup", title=rec.title,
                         creator=rec.creator, admins=set(rec.admins), members=set(rec.members),
                         bot_status=rec.bot_status)
        self.store.chats[new.id] = new
        old_msg = self.store.add_message(rec, actor, {"migrate_to_chat_id": new.id}, "service")
        new_msg = self.store.add_message(new, actor, {"migrate_from_chat_id": rec.id}, "service")
        if rec.bot_status in ACTIVE:
            self.store.enqueue("message", old_msg.raw)
            self.store.enqueue("message", new_msg.raw)
        rec.migrated_to = new.id
        return new.json()
