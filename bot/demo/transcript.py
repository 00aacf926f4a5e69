"""Printing the demo's chat as it happens: new messages, edits, buttons and who pressed what."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any, TextIO

from babel.dates import format_datetime

from bot.demo.harness import LocalBot
from bot.demo.script import DemoScript, Event

JSON = dict[str, Any]


class Transcript:
    def __init__(self, bot: LocalBot, stream: TextIO, locale: str, tz: dt.tzinfo) -> None:
        self.bot = bot
        self.stream = stream
        self.locale = locale
        self.tz = tz
        self.renderer = bot.runtime.renderer
        self.chat_id = 0
        self.names: dict[str, str] = {}  # script key -> first name
        self.seen: dict[int, int] = {}  # message_id -> number of edits printed
        self.counts = {"messages": 0, "edits": 0, "presses": 0}
        # New messages nobody asked for (posted on a tick, not in answer to someone), per day.
        self.unsolicited: Counter[dt.date] = Counter()

    def _stamp(self, moment: dt.datetime) -> str:
        pattern = "yyyy-MM-dd HH:mm EEE"
        return format_datetime(
            moment.astimezone(self.tz),
            pattern,
            locale="en_GB" if self.locale == "en" else self.locale,
        )

    def watch(self, chat_id: int, people: dict[str, JSON]) -> None:
        self.chat_id = chat_id
        self.names = {key: str(p["first_name"]) for key, p in people.items()}

    def header(self, script: DemoScript) -> None:
        print(
            self.renderer.plain(
                self.locale, "demo/header", days=script.days, start=script.start, group=script.group
            ),
            file=self.stream,
        )

    def user_action(self, moment: dt.datetime, event: Event) -> None:
        if event.do == "confirm":
            self.counts["presses"] += 1
            return  # shown by the edit it causes
        who = self.names.get(event.who, event.who)
        if event.do in ("press", "vote"):
            self.counts["presses"] += 1
            label = "🗳" if event.do == "vote" else f"[{event.text}]"
            print(f"\n[{self._stamp(moment)}] {who} ▸ {label}", file=self.stream)
        elif event.text:
            print(f"\n[{self._stamp(moment)}] {who}: {event.text}", file=self.stream)

    def flush(self, moment: dt.datetime, *, solicited: bool) -> None:
        """Print what the bot posted or edited since the last flush (``solicited``: in answer
        to the user action just played, else on its own at a scheduler tick)."""
        bot_label = self.renderer.text(self.locale, "demo/bot_name")
        for message in self.bot.emulator.sent(self.chat_id):
            printed = self.seen.get(message.message_id)
            if printed is None:
                self.counts["messages"] += 1
                if not solicited:
                    self.unsolicited[moment.astimezone(self.tz).date()] += 1
                tag = " 🔕" if message.silent else ""
            elif printed < len(message.edits):
                self.counts["edits"] += 1
                tag = f" ({self.renderer.text(self.locale, 'demo/edited')})"
            else:
                continue
            self.seen[message.message_id] = len(message.edits)
            print(f"\n[{self._stamp(moment)}] 🤖 {bot_label}{tag}:", file=self.stream)
            lines = (message.text or "").splitlines()
            if message.poll:
                question = message.poll.get("question", "")
                lines = [f"📊 {question}"] + [
                    f"  ○ {o.get('text', '')}" for o in message.poll.get("options", [])
                ]
            for line in lines:
                print(f"    {line}", file=self.stream)
            buttons = [text for text, _ in message.buttons()]
            if buttons:
                print("    " + "  ".join(f"[{b}]" for b in buttons), file=self.stream)

    def footer(self, days: int) -> None:
        print(
            "\n"
            + self.renderer.plain(
                self.locale,
                "demo/footer",
                unsolicited=sum(self.unsolicited.values()),
                busiest=max(self.unsolicited.values(), default=0),
                days=days,
                **self.counts,
            ),
            file=self.stream,
        )
