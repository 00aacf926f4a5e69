"""Acting as Telegram users, part two: writing, sending files, pressing buttons, voting.

Every action enqueues exactly the Updates Telegram would send the bot for it. People and
chats are made in ``people.py``.
"""

from __future__ import annotations

import mimetypes
from typing import cast

from bot.emulator.images import emulated_jpeg
from bot.emulator.messages import quoted
from bot.emulator.people import ChatSetup
from bot.emulator.privacy import reaches_bot
from bot.emulator.state import ACTIVE, JSON, ApiError, BotMessage, ChatRecord
from bot.emulator.text import message_entities


class UserActions(ChatSetup):
    """What people in Telegram can do; each call returns the object it created."""

    # ----- people writing -----
    def _post(
        self,
        chat: JSON,
        user: JSON,
        body: JSON,
        kind: str,
        reply_to: int | None,
        thread_id: int | None = None,
    ) -> BotMessage:
        rec = self._rec(chat)
        uid = self._known(user)
        if rec.migrated_to is not None:
            raise ValueError(f"chat {rec.id} was migrated to {rec.migrated_to}")
        target = rec.messages.get(reply_to) if reply_to is not None else None
        if reply_to is not None and target is None:
            raise LookupError(f"no message {reply_to} in chat {rec.id}")
        thread_id = thread_id or (target.message_thread_id if target else None)
        if thread_id is not None:
            manages = uid == rec.creator or uid in rec.admins
            try:
                body |= self._in_thread(rec, thread_id, may_post_closed=manages)
            except ApiError as err:
                raise ValueError(
                    f"{err.description} (thread {thread_id} in chat {rec.id})"
                ) from None
        if target is not None:
            body["reply_to_message"] = quoted(target)
        if rec.type == "private":
            if uid != rec.id:
                raise ValueError("only the chat's own user writes in a private chat")
            if rec.bot_status == "kicked":
                self.store.my_chat_member(rec, user, "kicked", "member")
            rec.started = True
        elif uid != rec.creator and uid not in rec.admins:
            rec.members.add(uid)
        msg = self.store.add_message(rec, self.store.users[uid], body, kind)
        present = rec.type == "private" or rec.bot_status in ACTIVE
        if present and reaches_bot(rec, msg.raw, self.bot_user, privacy_mode=self.privacy_mode):
            self.store.enqueue("message", msg.raw)
        return msg

    def send_text(
        self,
        chat: JSON,
        user: JSON,
        text: str,
        *,
        reply_to: int | None = None,
        thread_id: int | None = None,
    ) -> JSON:
        """A text message (in forum topic ``thread_id``); /commands and @mentions get entities.

        In a group with privacy mode on, the bot only gets it if it is a command, a reply to
        the bot, or mentions the bot (see ``privacy.py``).
        """
        entities = message_entities(text)
        body = {"text": text} | ({"entities": entities} if entities else {})
        return dict(self._post(chat, user, body, "text", reply_to, thread_id).raw)

    def _user_file(
        self,
        chat: JSON,
        user: JSON,
        kind: str,
        data: bytes,
        caption: str | None,
        reply_to: int | None,
        thread_id: int | None,
        file_name: str | None = None,
    ) -> JSON:
        mime = mimetypes.guess_type(file_name)[0] if file_name else None
        rec = self.store.new_file(kind, data, file_name, mime)
        key, media = self.store.media_json(rec)
        body = {key: media} | ({"caption": caption} if caption else {})
        msg = self._post(chat, user, body, key, reply_to, thread_id)
        msg.file_id = rec.file_id
        return dict(msg.raw)

    def send_photo(
        self,
        chat: JSON,
        user: JSON,
        *,
        caption: str | None = None,
        reply_to: int | None = None,
        thread_id: int | None = None,
        data: bytes | None = None,
    ) -> JSON:
        """A photo (two PhotoSizes with fresh file ids; getFile/download work on them): a
        small JPEG unless ``data`` gives other bytes (a huge or broken "photo")."""
        data = emulated_jpeg(self.store.next_id()) if data is None else data
        return self._user_file(chat, user, "photos", data, caption, reply_to, thread_id)

    def send_album(
        self,
        chat: JSON,
        user: JSON,
        count: int,
        *,
        caption: str | None = None,
        reply_to: int | None = None,
    ) -> list[JSON]:
        """Several photos sent together (an album): ``count`` messages with one
        ``media_group_id``, the caption on the first. A reply album is a reply in each of its
        messages (Telegram applies the reply to the whole album), so in privacy mode every one
        of them reaches the bot when it replies to the bot."""
        group_id = str(13_000_000_000_000_000 + self.store.next_id())
        sent = []
        for i in range(count):
            rec = self.store.new_file("photos", emulated_jpeg(self.store.next_id()))
            key, media = self.store.media_json(rec)
            body = {key: media, "media_group_id": group_id}
            if caption and i == 0:
                body["caption"] = caption
            msg = self._post(chat, user, body, key, reply_to)
            msg.file_id = rec.file_id
            sent.append(dict(msg.raw))
        return sent

    def send_document(
        self,
        chat: JSON,
        user: JSON,
        *,
        file_name: str = "report.pdf",
        caption: str | None = None,
        reply_to: int | None = None,
        thread_id: int | None = None,
        data: bytes | None = None,
    ) -> JSON:
        """A document with generated content (a small PDF), or ``data``."""
        if data is None:
            data = f"%PDF-1.4\n% emulated document {file_name} {self.store.next_id()}\n".encode()
        return self._user_file(
            chat, user, "documents", data, caption, reply_to, thread_id, file_name
        )

    def _press(self, rec: ChatRecord, user: JSON, msg: BotMessage, data: str) -> str:
        query_id = str(4_200_000_000_000_000_000 + self.store.next_id())
        self.store.callbacks[query_id] = {
            "chat_id": rec.id,
            "message_id": msg.message_id,
            "data": data,
            "answer": None,
        }
        message = (
            msg.raw
            if not msg.deleted
            else {"chat": rec.json(), "message_id": msg.message_id, "date": 0}
        )
        self.store.enqueue(
            "callback_query",
            {
                "id": query_id,
                "from": self.store.users[self._known(user)],
                "message": message,
                "chat_instance": str(abs(rec.id) * 7 + 3),
                "data": data,
            },
        )
        return query_id

    def press_button(
        self,
        chat: JSON,
        user: JSON,
        message_id: int,
        *,
        data: str | None = None,
        text: str | None = None,
    ) -> str:
        """Press a callback button of the bot's message as it is now; returns the query id."""
        rec = self._rec(chat)
        msg = rec.messages.get(message_id)
        if msg is None or msg.deleted or not msg.from_bot:
            raise LookupError(f"no bot message {message_id} in chat {rec.id}")
        rows = (msg.reply_markup or {}).get("inline_keyboard") or []
        found = [
            b
            for row in rows
            for b in row
            if "callback_data" in b and data in (None, b["callback_data"])
        ]
        if text is not None:
            found = [b for b in found if b["text"] == text] or [
                b for b in found if text in b["text"]
            ]
        if not found or (data is None and text is None):
            raise LookupError(
                f"no button data={data!r} text={text!r} on message {message_id}; "
                f"buttons: {msg.buttons()}"
            )
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
            not 0 <= o < len(options) for o in option_ids
        ):
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
            self.store.enqueue(
                "poll_answer",
                {
                    "poll_id": poll_id,
                    "user": self.store.users[uid],
                    "option_ids": option_ids,
                    "option_persistent_ids": [options[o]["persistent_id"] for o in option_ids],
                },
            )
        self.store.enqueue("poll", poll)
