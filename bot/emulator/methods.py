"""Bot API methods the Frontline Safety Bot uses, answering the way Telegram answers.

Each api_<snake_name> coroutine is one Bot API method; the server dispatches to it by name.
"""

from __future__ import annotations

import re
from typing import Any

from telegram.constants import PollLimit

from bot.emulator.server import Upload
from bot.emulator.settings import BotSettingsMethods
from bot.emulator.state import JSON, BotMessage, ChatRecord, FileRecord, bad, member_json
from bot.emulator.text import check_markup, format_text, utf16len

NOT_MODIFIED = ("message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message")
_CONTENT = ("text", "entities", "caption", "caption_entities", "reply_markup")
_ENTITIES_OF = {"text": "entities", "caption": "caption_entities"}
_CHAT_ACTIONS = frozenset({"typing", "upload_photo", "record_video", "upload_video", "record_voice",
                           "upload_voice", "upload_document", "choose_sticker", "find_location",
                           "record_video_note", "upload_video_note"})
_NO_LIMITS = {"unlimited_gifts": False, "limited_gifts": False, "unique_gifts": False,
              "premium_subscription": False, "gifts_from_channels": False}


def _formatted(p: JSON, key: str, limit: int, too_long: str, mode: str = "parse_mode",
               entities: str = "entities") -> tuple[str, list[JSON]]:
    value = p.get(key)
    plain, ents = format_text("" if value is None else str(value), p.get(mode), p.get(entities))
    if utf16len(plain) > limit:
        raise bad(too_long)
    return plain, ents


class BotApiMethods(BotSettingsMethods):
    """Handlers for every emulated Bot API method, on top of the HTTP plumbing."""

    def _chat(self, p: JSON, *, send: bool = False) -> ChatRecord:
        return self.store.chat_for(p.get("chat_id"), send=send)

    def _emit(self, chat: ChatRecord, body: JSON, kind: str, p: JSON,
              source: str | None = None, mode: str = "parse_mode") -> BotMessage:
        """Attach reply/keyboard, store the bot's message and return it."""
        markup = p.get("reply_markup")
        check_markup(markup)
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            body["reply_markup"] = markup  # Telegram echoes only inline keyboards
        reply = p.get("reply_parameters") or {}
        target_id = p.get("reply_to_message_id") or reply.get("message_id")
        if target_id:
            target = chat.messages.get(target_id)
            if target is not None and not target.deleted:
                body["reply_to_message"] = {k: v for k, v in target.raw.items()
                                            if k != "reply_to_message"}
            elif not (p.get("allow_sending_without_reply")
                      or reply.get("allow_sending_without_reply")):
                raise bad("message to be replied not found")
        msg = self.store.add_message(chat, self.bot_user, body, kind)
        msg.reply_markup, msg.parse_mode, msg.html = markup, p.get(mode), source
        return msg

    def _own(self, p: JSON, verb: str) -> BotMessage:
        if p.get("inline_message_id"):
            raise bad("invalid inline message identifier specified")
        chat = self._chat(p)
        msg = chat.messages.get(int(p.get("message_id") or 0))
        if msg is None or msg.deleted:
            raise bad(f"message to {verb} not found")
        if verb == "edit" and not msg.from_bot:
            raise bad("message can't be edited")
        return msg

    def _edit(self, p: JSON, field: str | None) -> JSON:
        msg = self._own(p, "edit")
        new = dict(msg.raw)
        if field == "text":
            if msg.kind != "text":
                raise bad("there is no text in the message to edit")
            plain, ents = _formatted(p, "text", 4096, "message is too long")
            if not plain:
                raise bad("message text is empty")
        elif field == "caption":
            if msg.kind not in ("photo", "document"):
                raise bad("there is no caption in the message to edit")
            plain, ents = _formatted(p, "caption", 1024, "message caption is too long",
                                     entities="caption_entities")
        if field:
            for key, value in ((field, plain), (_ENTITIES_OF[field], ents)):
                new.pop(key, None)
                new.update({key: value} if value else {})
        markup = p.get("reply_markup")
        check_markup(markup)
        new.pop("reply_markup", None)  # an edit without reply_markup drops the keyboard
        new.update({"reply_markup": markup} if markup else {})
        if all(new.get(k) == msg.raw.get(k) for k in _CONTENT):
            raise bad(NOT_MODIFIED)
        if field and msg.text is not None and new.get(field) != msg.text:
            msg.edits.append(msg.text)
        new["edit_date"] = int(self.store.now())
        msg.raw, msg.reply_markup = new, markup
        if field:
            msg.text, msg.parse_mode, msg.html = new.get(field), p.get("parse_mode"), p.get(field)
        return new

    def _file(self, value: Any, kind: str) -> FileRecord:
        if isinstance(value, Upload):
            return self.store.new_file(kind, value.data, value.filename, value.content_type)
        if not isinstance(value, str) or not value:
            raise bad(f"there is no {kind[:-1]} in the request")
        if value in self.store.files:
            rec = self.store.files[value]
            if rec.kind != kind:
                raise bad("type of file mismatch")
            return rec
        if re.match(r"https?://", value):
            return self.store.new_file(kind, b"", value.rsplit("/", 1)[-1] or None)
        raise bad("wrong file identifier/HTTP URL specified")

    def _send_file(self, p: JSON, kind: str) -> JSON:
        chat = self._chat(p, send=True)
        caption, ents = _formatted(p, "caption", 1024, "message caption is too long",
                                   entities="caption_entities")
        rec = self._file(p.get(kind[:-1]), kind)
        key, media = self.store.media_json(rec)
        body = {key: media, "caption": caption, "caption_entities": ents}
        body = {k: v for k, v in body.items() if v}
        msg = self._emit(chat, body, key, p, p.get("caption"))
        msg.file_id = rec.file_id
        return msg.raw

    # ----- chats -----
    async def api_get_chat(self, p: JSON) -> JSON:
        """ChatFullInfo with the fields PTB 22.8 requires."""
        return self._chat(p).json() | {"accent_color_id": 0, "max_reaction_count": 11,
                                       "accepted_gift_types": _NO_LIMITS}

    async def api_get_chat_administrators(self, p: JSON) -> list[JSON]:
        """Owner first, then administrators (including the bot if promoted)."""
        chat = self._chat(p)
        if chat.type == "private":
            raise bad("there are no administrators in the private chat")
        users = self.store.users
        admins = [member_json("creator", users[chat.creator])] if chat.creator else []
        admins += [member_json("administrator", users[a]) for a in sorted(chat.admins)
                   if a != chat.creator]
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

    # ----- messages -----
    async def api_send_message(self, p: JSON) -> JSON:
        """Text message with parse_mode, keyboard and reply."""
        chat = self._chat(p, send=True)
        plain, ents = _formatted(p, "text", 4096, "message is too long")
        if not plain:
            raise bad("message text is empty")
        body = {"text": plain} | ({"entities": ents} if ents else {})
        return self._emit(chat, body, "text", p, p.get("text")).raw

    async def api_edit_message_text(self, p: JSON) -> JSON:
        """Replace text (and keyboard: omitted reply_markup removes it, as on Telegram)."""
        return self._edit(p, "text")

    async def api_edit_message_caption(self, p: JSON) -> JSON:
        """Replace a photo/document caption."""
        return self._edit(p, "caption")

    async def api_edit_message_reply_markup(self, p: JSON) -> JSON:
        """Replace or remove the inline keyboard."""
        return self._edit(p, None)

    async def api_delete_message(self, p: JSON) -> bool:
        """Mark deleted; others' group messages need the bot to be an administrator."""
        msg = self._own(p, "delete")
        chat = self.store.chats[msg.chat_id]
        if not msg.from_bot and chat.type != "private" and chat.bot_status != "administrator":
            raise bad("message can't be deleted")
        msg.deleted = True
        return True

    async def api_answer_callback_query(self, p: JSON) -> bool:
        """Record the answer; unknown or already answered queries fail like stale ones."""
        query = self.store.callbacks.get(str(p.get("callback_query_id")))
        if query is None or query["answer"] is not None:
            raise bad("query is too old and response timeout expired or query ID is invalid")
        query["answer"] = dict(p)
        return True

    async def api_send_photo(self, p: JSON) -> JSON:
        """Upload or file_id; two PhotoSizes come back."""
        return self._send_file(p, "photos")

    async def api_send_document(self, p: JSON) -> JSON:
        """Upload or file_id; the bytes are kept for getFile + download."""
        return self._send_file(p, "documents")

    async def api_get_file(self, p: JSON) -> JSON:
        """File with file_path under base_file_url."""
        rec = self.store.files.get(str(p.get("file_id")))
        if rec is None:
            raise bad("invalid file_id")
        return {"file_id": rec.file_id, "file_unique_id": rec.file_unique_id,
                "file_size": len(rec.data), "file_path": rec.file_path}

    # ----- polls -----
    async def api_send_poll(self, p: JSON) -> JSON:
        """Regular or quiz poll; the Poll JSON carries every field PTB 22.8 requires."""
        chat = self._chat(p, send=True)
        question, q_ents = _formatted(p, "question", 300, "poll question length must not exceed "
                                      "300", "question_parse_mode", "question_entities")
        if not question:
            raise bad("poll question must be non-empty")
        options = p.get("options")
        texts: list[str] = [str(o.get("text") or "") if isinstance(o, dict) else str(o)
                            for o in options] if isinstance(options, list) else []
        if not PollLimit.MIN_OPTION_NUMBER <= len(texts) <= PollLimit.MAX_OPTION_NUMBER or any(
                not t.strip() for t in texts):
            raise bad("POLL_ANSWERS_INVALID")
        if any(len(t) > PollLimit.MAX_OPTION_LENGTH for t in texts):
            raise bad("poll options length must not exceed 100")
        kind, multiple = p.get("type") or "regular", bool(p.get("allows_multiple_answers"))
        if kind not in ("regular", "quiz"):
            raise bad("poll type is invalid")
        poll: JSON = {
            "id": str(5_100_000_000_000_000_000 + self.store.next_id()), "question": question,
            "options": [{"text": t, "voter_count": 0, "persistent_id": str(i)}
                        for i, t in enumerate(texts)],
            "total_voter_count": 0, "is_closed": bool(p.get("is_closed")),
            "is_anonymous": p.get("is_anonymous", True) is not False, "type": kind,
            "allows_multiple_answers": multiple, "members_only": bool(p.get("members_only")),
            "allows_revoting": bool(p.get("allows_revoting", kind == "regular"))}
        poll |= {"question_entities": q_ents} if q_ents else {}
        correct = p.get("correct_option_ids")
        if correct is None and p.get("correct_option_id") is not None:
            correct = [p["correct_option_id"]]
        if kind == "quiz":
            if not isinstance(correct, list) or not correct or (len(correct) > 1 and not multiple) \
                    or any(not isinstance(c, int) or not 0 <= c < len(texts) for c in correct):
                raise bad("wrong correct option ID specified")
            poll["correct_option_ids"] = sorted(set(correct))
        if p.get("explanation"):
            explanation, e_ents = _formatted(p, "explanation", 200, "poll explanation length must "
                                             "not exceed 200", "explanation_parse_mode",
                                             "explanation_entities")
            poll |= {"explanation": explanation, "explanation_entities": e_ents}
        poll = {k: v for k, v in poll.items() if v != []}
        msg = self._emit(chat, {"poll": poll}, "poll", p, question, "question_parse_mode")
        self.store.polls[poll["id"]] = (chat.id, msg.message_id, {})
        return msg.raw

    async def api_stop_poll(self, p: JSON) -> JSON:
        """Close the bot's poll; Telegram answers with the final Poll and sends a poll update."""
        msg = self._chat(p).messages.get(int(p.get("message_id") or 0))
        if msg is None or msg.deleted or msg.poll is None or not msg.from_bot:
            raise bad("message with poll to stop not found")
        if msg.poll["is_closed"]:
            raise bad("poll has already been closed")
        check_markup(markup := p.get("reply_markup"))
        msg.raw.pop("reply_markup", None)
        msg.raw.update({"reply_markup": markup} if markup else {})
        msg.reply_markup = markup
        msg.poll["is_closed"] = True
        self.store.enqueue("poll", msg.poll)
        return msg.poll
