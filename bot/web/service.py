"""One running instance of the bot: start in polling or webhook mode, stop gracefully.

Stopping follows the order that loses nothing and sends nothing twice:
1. stop taking updates (the webhook answers 503 so Telegram re-delivers; polling stops),
2. stop dispatching: no new wave or chat is started, the sends in flight finish and are
   recorded, what was claimed but not sent goes back to the outbox (``Runtime.close``); a
   signal does this at once, even in the middle of the start-up tick, so a stop takes about
   one round trip to Telegram however large the backlog,
3. hand this worker's remaining claims back to the outbox (``outbox.release_worker``),
4. stop PTB (queued updates are handled, jobs end), then the HTTP server.
The webhook is never deleted on stop: other instances keep serving it.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from urllib.parse import urlsplit

from telegram import Update

from bot.config import Settings
from bot.services.context import AppContext
from bot.services.reminders import outbox
from bot.telegram.app import build_application, worker_name
from bot.telegram.runtime import runtime_of
from bot.web.metrics import Metrics
from bot.web.server import WebServer

log = logging.getLogger(__name__)


def public_webhook_url(settings: Settings) -> str:
    """WEBHOOK_URL as given, or with WEBHOOK_PATH appended when it names only a host."""
    assert settings.webhook_url is not None
    if urlsplit(settings.webhook_url).path in ("", "/"):
        return settings.webhook_url.rstrip("/") + "/" + settings.webhook_path.strip("/")
    return settings.webhook_url


class BotService:
    """The PTB application plus its HTTP server, started and stopped as one."""

    def __init__(self, ctx: AppContext, *, auto_tick: bool = True) -> None:
        self.ctx = ctx
        self.metrics = Metrics()
        self.app = build_application(ctx, auto_tick=auto_tick, metrics=self.metrics)
        self.runtime = runtime_of(self.app.bot_data)
        self.worker = self.runtime.dispatcher.worker if self.runtime.dispatcher else worker_name()
        self.server: WebServer | None = None
        self.stopped = False

    @property
    def webhook_mode(self) -> bool:
        return self.ctx.settings.webhook_url is not None

    async def start(self) -> None:
        s = self.ctx.settings
        await self.app.initialize()
        if self.app.post_init is not None:
            await self.app.post_init(self.app)
        await self.app.start()
        # One wave before taking traffic: catch-up goes out first, and /healthz is green as
        # soon as the server answers. A database that is down fails the start here, loudly.
        # A bigger backlog follows from the scheduler once updates are being taken.
        await self.runtime.tick(waves=1)
        if self.runtime.closing:  # a signal during the start-up tick: stop() follows
            return
        if self.webhook_mode:
            assert s.webhook_secret is not None
            secret = s.webhook_secret.get_secret_value()
            self.server = WebServer(
                self.app,
                self.metrics,
                host=s.webhook_listen,
                port=s.webhook_port,
                secret=secret,
                path=s.webhook_path,
            )
            await self.server.start()
            url = public_webhook_url(s)
            await self.app.bot.set_webhook(
                url, secret_token=secret, allowed_updates=Update.ALL_TYPES
            )
            log.info("webhook mode: worker %s, Telegram posts to %s", self.worker, url)
            return
        if s.metrics_port is not None:
            self.server = WebServer(
                self.app, self.metrics, host=s.webhook_listen, port=s.metrics_port
            )
            await self.server.start()
        assert self.app.updater is not None
        await self.app.updater.start_polling(allowed_updates=Update.ALL_TYPES)
        log.info("polling mode: worker %s", self.worker)

    async def stop(self) -> None:
        """Graceful stop (see the module docstring); safe after a partial start, and twice."""
        if self.stopped:
            return
        self.stopped = True
        log.info("stopping: no new updates, finishing the sends in flight")
        if self.server is not None:
            self.server.accepting = False
        if self.app.updater is not None and self.app.updater.running:
            await self.app.updater.stop()
        await self.runtime.close()
        with self.ctx.session() as session:
            released = outbox.release_worker(session, self.worker)
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()
        if self.server is not None:
            await self.server.stop()
        log.info("stopped: %d claimed reminder(s) handed back to the outbox", released)


async def run_until_signalled(ctx: AppContext) -> int:
    """``safetybot run``: start, wait for SIGTERM or SIGINT, stop gracefully."""
    service = BotService(ctx)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def stopping() -> None:
        service.runtime.halt()  # at once: the start-up tick or a long wave stops too
        stop.set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping)
    try:
        await service.start()
        await stop.wait()
    finally:
        await service.stop()
        ctx.engine.dispose()
    return 0
