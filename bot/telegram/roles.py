"""Who may configure: chat administrators, from getChatAdministrators, cached with expiry."""

from __future__ import annotations

import datetime as dt

from telegram import Bot

from bot.clock import Clock


class AdminCache:
    def __init__(self, clock: Clock, ttl_seconds: int) -> None:
        self._clock = clock
        self._ttl = dt.timedelta(seconds=ttl_seconds)
        self._admins: dict[int, tuple[dt.datetime, frozenset[int]]] = {}

    async def admins(self, bot: Bot, chat_id: int) -> frozenset[int]:
        if chat_id > 0:  # a private chat (its id is the user's): nobody administers it, and
            return frozenset()  # Telegram answers getChatAdministrators there with an error
        now = self._clock.now()
        cached = self._admins.get(chat_id)
        if cached and now - cached[0] < self._ttl:
            return cached[1]
        members = await bot.get_chat_administrators(chat_id)
        ids = frozenset(m.user.id for m in members)
        self._admins[chat_id] = (now, ids)
        return ids

    async def is_admin(self, bot: Bot, chat_id: int, user_id: int) -> bool:
        return user_id in await self.admins(bot, chat_id)

    def forget(self, chat_id: int) -> None:
        self._admins.pop(chat_id, None)
