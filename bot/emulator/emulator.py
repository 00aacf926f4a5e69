"""BotApiEmulator: the whole test-facing API, plus observing and awaiting what the bot did.

The wait_* coroutines re-check their condition after every API call the bot makes and every
update a test enqueues, so tests await effects with a timeout instead of sleeping.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar, cast

from bot.emulator.faults import DeliveryFaults
from bot.emulator.state import JSON, BotMessage

T = TypeVar("T")


class BotApiEmulator(DeliveryFaults):
    """A local Bot API for PTB: `Bot(token, base_url=emu.base_url)` after `await emu.start()`."""

    def __init__(
        self,
        *,
        bot_id: int = 7000001,
        bot_username: str = "safety_demo_bot",
        enforce_limits: bool = False,
        privacy_mode: bool = True,
        now: Callable[[], float] = time.time,
    ) -> None:
        """``privacy_mode=False`` is BotFather's /setprivacy Disable: every group message
        reaches the bot (it can also be switched later by setting ``privacy_mode``)."""
        super().__init__(
            bot_id=bot_id, bot_username=bot_username, enforce_limits=enforce_limits, now=now
        )
        self.privacy_mode = privacy_mode

    async def __aenter__(self) -> BotApiEmulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # ----- observing -----
    @property
    def pending_updates(self) -> int:
        """Updates no getUpdates has handed out yet."""
        return sum(1 for u in self.store.updates if u["update_id"] > self.store.delivered_upto)

    def all_messages(self, chat_id: int) -> list[BotMessage]:
        """Every message in the chat (bot's and people's), oldest first, as they are now."""
        rec = self.store.chats.get(chat_id)
        return [rec.messages[k] for k in sorted(rec.messages)] if rec else []

    def sent(self, chat_id: int) -> list[BotMessage]:
        """The bot's messages in the chat, oldest first (deleted ones flagged, not dropped)."""
        return [m for m in self.all_messages(chat_id) if m.from_bot]

    def message(self, chat_id: int, message_id: int) -> BotMessage:
        """One message; KeyError if there is none."""
        return self.store.chats[chat_id].messages[message_id]

    def cursor(self, chat_id: int) -> int:
        """Highest message_id in the chat so far, for wait_for_message(after=...)."""
        rec = self.store.chats.get(chat_id)
        return max(rec.messages, default=0) if rec else 0

    def callback_answer(self, callback_query_id: str) -> JSON | None:
        """Params of the bot's answerCallbackQuery for that query, if it answered."""
        return cast("JSON | None", self.store.callbacks.get(callback_query_id, {}).get("answer"))

    def _report(self, what: str, timeout: float) -> str:
        lines = [
            f"  {c.method} -> {c.status} {c.description or ''} "
            f"{ {k: v for k, v in c.params.items() if k != 'reply_markup'} }"
            for c in self.calls[-12:]
        ]
        return (
            f"timed out after {timeout}s waiting for {what}; pending updates: "
            f"{self.pending_updates}; last API calls:\n" + ("\n".join(lines) or "  (none)")
        )

    async def _wait(
        self, predicate: Callable[[], Any], limit: float, what: Callable[[], str]
    ) -> Any:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit
        while True:
            changed = self.store.changed
            value = predicate()
            if value:
                return value
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(self._report(what(), limit))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)

    async def wait_for(
        self,
        predicate: Callable[[], T | bool | None],
        *,
        timeout: float = 10.0,  # noqa: ASYNC109 -- a test's bound on the wait, not an I/O timeout
    ) -> T:
        """First truthy predicate() value, re-checked after every API call and update."""
        return cast(T, await self._wait(predicate, timeout, lambda: "predicate"))

    async def wait_for_message(
        self,
        chat_id: int,
        predicate: Callable[[BotMessage], bool] | None = None,
        *,
        after: int = 0,
        timeout: float = 10.0,  # noqa: ASYNC109 -- as in wait_for
    ) -> BotMessage:
        """First bot message in the chat with message_id > after that matches (as it is now)."""

        def find() -> BotMessage | None:
            return next(
                (
                    m
                    for m in self.sent(chat_id)
                    if m.message_id > after and (predicate is None or predicate(m))
                ),
                None,
            )

        def what() -> str:
            recent = [(m.message_id, m.text) for m in self.sent(chat_id)[-5:]]
            return f"a bot message in chat {chat_id} after #{after} (bot's recent: {recent})"

        return cast(BotMessage, await self._wait(find, timeout, what))

    async def wait_for_callback_answer(
        self,
        callback_query_id: str,
        *,
        timeout: float = 10.0,  # noqa: ASYNC109 -- as in wait_for
    ) -> JSON:
        """The bot's answerCallbackQuery params for that query."""
        return cast(
            JSON,
            await self._wait(
                lambda: self.callback_answer(callback_query_id),
                timeout,
                lambda: f"answer to {callback_query_id}",
            ),
        )
