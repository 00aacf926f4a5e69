"""Bot API methods the Frontline Safety Bot uses, answering the way Telegram answers.

Each api_<snake_name> coroutine is one Bot API method; the server dispatches to it by name.
They come in layers, each a class on top of the previous: the HTTP server (``server.py``), the
bot's own settings (``settings.py``), chats and members (``chats.py``), messages
(``messages.py``), files (``files.py``), and here polls, which complete :class:`BotApiMethods`.
"""

from __future__ import annotations

from telegram.constants import PollLimit

from bot.emulator.files import FileMethods
from bot.emulator.messages import formatted
from bot.emulator.state import JSON, bad
from bot.emulator.text import check_markup


class BotApiMethods(FileMethods):
    """Handlers for every emulated Bot API method, on top of the HTTP plumbing."""

    # ----- polls -----
    async def api_send_poll(self, p: JSON) -> JSON:
        """Regular or quiz poll; the Poll JSON carries every field PTB 22.8 requires."""
        chat = self._chat(p, send=True)
        question, q_ents = formatted(
            p,
            "question",
            300,
            "poll question length must not exceed 300",
            "question_parse_mode",
            "question_entities",
        )
        if not question:
            raise bad("poll question must be non-empty")
        options = p.get("options")
        texts: list[str] = (
            [str(o.get("text") or "") if isinstance(o, dict) else str(o) for o in options]
            if isinstance(options, list)
            else []
        )
        if not PollLimit.MIN_OPTION_NUMBER <= len(texts) <= PollLimit.MAX_OPTION_NUMBER or any(
            not t.strip() for t in texts
        ):
            raise bad("POLL_ANSWERS_INVALID")
        if any(len(t) > PollLimit.MAX_OPTION_LENGTH for t in texts):
            raise bad("poll options length must not exceed 100")
        kind, multiple = p.get("type") or "regular", bool(p.get("allows_multiple_answers"))
        if kind not in ("regular", "quiz"):
            raise bad("poll type is invalid")
        poll: JSON = {
            "id": str(5_100_000_000_000_000_000 + self.store.next_id()),
            "question": question,
            "options": [
                {"text": t, "voter_count": 0, "persistent_id": str(i)} for i, t in enumerate(texts)
            ],
            "total_voter_count": 0,
            "is_closed": bool(p.get("is_closed")),
            "is_anonymous": p.get("is_anonymous", True) is not False,
            "type": kind,
            "allows_multiple_answers": multiple,
            "members_only": bool(p.get("members_only")),
            "allows_revoting": bool(p.get("allows_revoting", kind == "regular")),
        }
        poll |= {"question_entities": q_ents} if q_ents else {}
        correct = p.get("correct_option_ids")
        if correct is None and p.get("correct_option_id") is not None:
            correct = [p["correct_option_id"]]
        if kind == "quiz":
            if (
                not isinstance(correct, list)
                or not correct
                or (len(correct) > 1 and not multiple)
                or any(not isinstance(c, int) or not 0 <= c < len(texts) for c in correct)
            ):
                raise bad("wrong correct option ID specified")
            poll["correct_option_ids"] = sorted(set(correct))
        if p.get("explanation"):
            explanation, e_ents = formatted(
                p,
                "explanation",
                200,
                "poll explanation length must not exceed 200",
                "explanation_parse_mode",
                "explanation_entities",
            )
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
