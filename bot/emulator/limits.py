"""What a test makes the fake Telegram do wrong, and the flood limits it enforces.

Injected errors fail the next matching calls the way Telegram fails them (with
``retry_after`` for 429s); latency delays answers; flood control answers 429 past Telegram's
documented rough limits (30 messages a second overall, 20 a minute per group, about one a
second per private chat) when the emulator is created with ``enforce_limits``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from bot.emulator.state import JSON, ApiError, Store


@dataclass
class Fault:
    """An injected failure waiting for the next matching calls."""

    method: str
    code: int
    description: str
    times: int
    retry_after: int | None
    chat_id: int | None


class ServerLimits:
    """Injected faults, latency and flood control; the server consults them on every call."""

    store: Store  # set by the server

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._latency: dict[str, float] = {}
        self._sent_all: list[float] = []
        self._sent_group: dict[int, list[float]] = {}
        self._bucket: dict[int, tuple[float, float]] = {}

    def latency(self, name: str) -> float:
        """Seconds to wait before answering ``name`` (its own setting, else ``"*"``'s)."""
        return self._latency.get(name.lower(), self._latency.get("*", 0.0))

    # ----- faults -----
    def inject_error(
        self,
        method: str,
        *,
        error_code: int,
        description: str,
        times: int = 1,
        retry_after: int | None = None,
        chat_id: int | None = None,
    ) -> None:
        """Fail the next `times` calls of method ("*" = any but getUpdates) [to chat_id]."""
        self._faults.append(
            Fault(method.lower(), error_code, description, times, retry_after, chat_id)
        )

    def set_latency(self, seconds: float, method: str = "*") -> None:
        """Delay answers to method ("*" = every method without its own setting)."""
        self._latency[method.lower()] = seconds

    def _take_fault(self, name: str, params: JSON) -> None:
        for f in self._faults:
            if (
                f.times <= 0
                or f.method not in ("*", name.lower())
                or (f.method == "*" and name == "getUpdates")
            ):
                continue
            if f.chat_id is not None and params.get("chat_id") != f.chat_id:
                continue
            f.times -= 1
            extra = {"retry_after": f.retry_after} if f.retry_after is not None else None
            raise ApiError(f.code, f.description, extra)

    # ----- flood control (Telegram's documented rough limits) -----
    def _flood_check(self, chat_id: Any) -> None:
        if not isinstance(chat_id, int):
            return
        now = self.store.now()
        self._sent_all = [t for t in self._sent_all if now - t < 1.0]
        if len(self._sent_all) >= 30:
            self._too_many(1.0)
        if chat_id < 0:
            times = [t for t in self._sent_group.get(chat_id, []) if now - t < 60.0]
            self._sent_group[chat_id] = times
            if len(times) >= 20:
                self._too_many(60.0 - (now - times[0]))
        else:
            tokens, last = self._bucket.get(chat_id, (3.0, now))
            tokens = min(3.0, tokens + (now - last))
            self._bucket[chat_id] = (tokens, now)
            if tokens < 1.0:
                self._too_many(1.0 - tokens)

    def _flood_record(self, chat_id: Any) -> None:
        now = self.store.now()
        self._sent_all.append(now)
        if chat_id < 0:
            self._sent_group.setdefault(chat_id, []).append(now)
        else:
            tokens, _ = self._bucket[chat_id]
            self._bucket[chat_id] = (tokens - 1.0, now)

    @staticmethod
    def _too_many(seconds: float) -> None:
        wait = max(1, math.ceil(seconds))
        raise ApiError(429, f"Too Many Requests: retry after {wait}", {"retry_after": wait})
