"""Bot API methods that send, edit and delete messages and answer button presses.

Text is parsed as Telegram parses it (HTML entities, length in UTF-16 code units), keyboards are
checked, and edits that change nothing are refused with Telegram's own words.
"""

from __future__ import annotations

from bot.emulator.chats import ChatMethods
from bot.emulator.state import JSON, BotMessage, ChatRecord, bad
from bot.emulator.text import check_markup, format_text, utf16len

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
_CONTENT = ("text", "entities", "caption", "caption_entities", "reply_markup")
_ENTITIES_OF = {"text": "entities", "caption": "caption_entities"}


def formatted(
    p: JSON,
    key: str,
    limit: int,
    too_long: str,
    mode: str = "parse_mode",
    entities: str = "entities",
) -> tuple[str, list[JSON]]:
    """The text parameter ``key`` parsed as Telegram would; refused past ``limit``."""
    value = p.get(key)
    plain, ents = format_text("" if value is None else str(value), p.get(mode), p.get(entities))
    if utf16len(plain) > limit:
        raise bad(too_long)
    return plain, ents


def quoted(message: BotMessage) -> JSON:
    """A message as embedded in ``reply_to_message`` (Telegram nests one level only)."""
    return {k: v for k, v in message.raw.items() if k != "reply_to_message"}


class MessageMethods(ChatMethods):
    """sendMessage, the edits, deleteMessage and answerCallbackQuery."""

    def _emit(
        self,
        chat: ChatRecord,
        body: JSON,
        kind: str,
        p: JSON,
        source: str | None = None,
        mode: str = "parse_mode",
    ) -> BotMessage:
        """Attach reply/keyboard, store the bot's message and return it."""
        markup = p.get("reply_markup")
        check_markup(markup)
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            body["reply_markup"] = markup  # Telegram echoes only inline keyboards
        reply = p.get("reply_parameters") or {}
        target_id = p.get("reply_to_message_id") or reply.get("message_id")
        target = chat.messages.get(target_id) if target_id else None
        if target is not None and target.deleted:
            target = None
        thread_id = p.get("message_thread_id") or (target.message_thread_id if target else None)
        if thread_id:  # a reply to a message in a topic goes to that topic
            manages = chat.bot_status == "administrator" and chat.bot_manages_topics
            body |= self._in_thread(chat, int(thread_id), may_post_closed=manages)
        if target is not None:
            body["reply_to_message"] = quoted(target)
        elif target_id and not (
            p.get("allow_sending_without_reply") or reply.get("allow_sending_without_reply")
        ):
            raise bad("message to be replied not found")
        msg = self.store.add_message(chat, self.bot_user, body, kind)
        msg.reply_markup, msg.parse_mode, msg.html = markup, p.get(mode), source
        msg.silent = bool(p.get("disable_notification"))
        return msg

    def _in_thread(self, chat: ChatRecord, thread_id: int, *, may_post_closed: bool) -> JSON:
        """Fields of a message posted in that forum topic (or reply thread), or Telegram's 400.

        In a forum, a message that replies to nothing in particular replies to the topic's
        ``forum_topic_created`` message, as Telegram shows it.
        """
        root, topic = chat.messages.get(thread_id), chat.topics.get(thread_id)
        if root is None or root.deleted or (chat.is_forum and (topic is None or topic.deleted)):
            raise bad("message thread not found")
        if topic is not None and topic.closed and not may_post_closed:
            raise bad("TOPIC_CLOSED")
        if not chat.is_forum:
            return {"message_thread_id": thread_id}
        return {
            "message_thread_id": thread_id,
            "is_topic_message": True,
            "reply_to_message": quoted(root),
        }

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
            plain, ents = formatted(p, "text", 4096, "message is too long")
            if not plain:
                raise bad("message text is empty")
        elif field == "caption":
            if msg.kind not in ("photo", "document"):
                raise bad("there is no caption in the message to edit")
            plain, ents = formatted(
                p, "caption", 1024, "message caption is too long", entities="caption_entities"
            )
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

    # ----- messages -----
    async def api_send_message(self, p: JSON) -> JSON:
        """Text message with parse_mode, keyboard and reply."""
        chat = self._chat(p, send=True)
        plain, ents = formatted(p, "text", 4096, "message is too long")
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
