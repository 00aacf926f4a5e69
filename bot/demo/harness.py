"""The real bot, polling the built-in Bot API emulator, on a clock the caller moves.

Shared by ``safetybot demo`` and the end-to-end tests, so both exercise exactly the code
that runs in production: PTB's HTTP request path, the database, templates and dispatcher.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.bootstrap import build_context
from bot.clock import FakeClock
from bot.config import Settings
from bot.emulator import BotApiEmulator
from bot.services.context import AppContext
from bot.services.reminders.dispatcher import DispatchReport
from bot.telegram.app import build_application
from bot.telegram.runtime import Runtime, runtime_of
from bot.web.metrics import Metrics

# A syntactically valid token; the emulator accepts any.
DEMO_TOKEN = "123456789:DEMO-emulator-token-not-a-secret"  # noqa: S105 - the emulator accepts any


@dataclass
class LocalBot:
    emulator: BotApiEmulator
    clock: FakeClock
    app: Application  # type: ignore[type-arg]
    ctx: AppContext
    metrics: Metrics

    @property
    def runtime(self) -> Runtime:
        return runtime_of(self.app.bot_data)

    async def tick(self) -> DispatchReport:
        """One scheduler tick at the clock's current time (what the JobQueue does periodically)."""
        return await self.runtime.tick()

    async def tick_at(self, moment: dt.datetime) -> DispatchReport:
        self.clock.set(moment)
        return await self.tick()


def emulator_for(clock: FakeClock) -> BotApiEmulator:
    return BotApiEmulator(
        bot_id=7000001,
        bot_username="safety_demo_bot",
        enforce_limits=False,
        now=lambda: clock.now().timestamp(),
    )


@asynccontextmanager
async def local_bot(
    *,
    database_url: str,
    clock: FakeClock,
    emulator: BotApiEmulator | None = None,
    auto_tick: bool = False,
    **settings: Any,
) -> AsyncIterator[LocalBot]:
    """Start emulator (unless given: then it outlives this bot, as for a restart) and bot.

    ``auto_tick``: PTB's JobQueue ticks the runtime as in ``safetybot run`` (the benchmarks);
    by default the caller ticks (``LocalBot.tick``), on its own clock.
    """
    own_emulator = emulator is None
    emu = emulator or emulator_for(clock)
    if own_emulator:
        await emu.start()
    values: dict[str, Any] = {
        "telegram_bot_token": DEMO_TOKEN,
        "telegram_api_base_url": emu.base_url,
        "telegram_api_base_file_url": emu.base_file_url,
        "database_url": database_url,
        "rate_limit_group_per_minute": 10_000,
        "rate_limit_overall_per_second": 10_000,
        "bot_region": "hubei",  # the demo enterprise (and the tests' default) is in Hubei
    }
    values.update(settings)
    scratch = tempfile.TemporaryDirectory(prefix="safetybot-evidence-")
    values.setdefault("evidence_dir", scratch.name)  # evidence files go nowhere lasting
    ctx = build_context(Settings(_env_file=None, **values), clock)
    metrics = Metrics()
    app = build_application(ctx, auto_tick=auto_tick, metrics=metrics)
    await app.initialize()
    if app.post_init is not None:  # run_polling would call it: setMyCommands
        await app.post_init(app)
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1, allowed_updates=Update.ALL_TYPES)
    try:
        yield LocalBot(emu, clock, app, ctx, metrics)
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        ctx.engine.dispose()
        scratch.cleanup()
        if own_emulator:
            await emu.stop()
