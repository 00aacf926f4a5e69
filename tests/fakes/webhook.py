"""The bot in webhook mode against the emulator, with this module playing Telegram's delivery.

The emulator stores what ``setWebhook`` configured but never calls the bot; ``deliver`` takes
the updates the emulator queued (a person wrote, a button was pressed) and POSTs them to the
bot's webhook server exactly as Telegram would, secret header included.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp

from bot.bootstrap import build_context
from bot.clock import FakeClock
from bot.config import Settings
from bot.demo.harness import DEMO_TOKEN, emulator_for
from bot.emulator import BotApiEmulator
from bot.web.server import SECRET_HEADER
from bot.web.service import BotService

SECRET = "test-webhook-secret-0123456789abcdef"
PUBLIC_URL = "https://bot.example.invalid/telegram"

JSON = dict[str, Any]


def take_updates(emulator: BotApiEmulator) -> list[JSON]:
    """Updates the emulator queued and nobody fetched yet, marked as delivered."""
    store = emulator.store
    fresh = [u for u in store.updates if u["update_id"] > store.delivered_upto]
    if fresh:
        store.delivered_upto = fresh[-1]["update_id"]
    return fresh


@dataclass
class WebhookBot:
    emulator: BotApiEmulator
    clock: FakeClock
    service: BotService
    http: aiohttp.ClientSession
    base: str  # http://127.0.0.1:<port>

    async def post(self, update: JSON, secret: str | None = SECRET) -> int:
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        async with self.http.post(f"{self.base}/telegram", json=update, headers=headers) as r:
            return r.status

    async def deliver(self, secret: str | None = SECRET) -> list[int]:
        """POST every queued update; returns the HTTP statuses."""
        return [await self.post(u, secret) for u in take_updates(self.emulator)]

    async def get(self, path: str) -> tuple[int, str]:
        async with self.http.get(f"{self.base}{path}") as r:
            return r.status, await r.text()


@asynccontextmanager
async def webhook_bot(
    *, database_url: str, clock: FakeClock, **settings: Any
) -> AsyncIterator[WebhookBot]:
    """Emulator + bot in webhook mode on a free loopback port; ticks only when the test says."""
    emu = emulator_for(clock)
    await emu.start()
    values: JSON = {
        "telegram_bot_token": DEMO_TOKEN,
        "telegram_api_base_url": emu.base_url,
        "telegram_api_base_file_url": emu.base_file_url,
        "database_url": database_url,
        "rate_limit_group_per_minute": 10_000,
        "rate_limit_overall_per_second": 10_000,
        "webhook_url": PUBLIC_URL,
        "webhook_secret": SECRET,
        "webhook_listen": "127.0.0.1",
        "webhook_port": 0,
    } | settings
    ctx = build_context(Settings(_env_file=None, **values), clock)
    service = BotService(ctx, auto_tick=False)
    try:
        await service.start()
        assert service.server is not None
        async with aiohttp.ClientSession() as http:
            yield WebhookBot(emu, clock, service, http, f"http://127.0.0.1:{service.server.port}")
    finally:
        await service.stop()
        ctx.engine.dispose()
        await emu.stop()
