"""The HTTP side of an instance: Telegram's webhook, ``/healthz``, ``/metrics``, the office's
desk (``/desk/``, bot/web/desk) and the robots' confirmation page (``/confirm/``,
bot/web/confirm) on one port.

PTB's custom-webhook pattern: the Application runs without an Updater; this server checks
Telegram's ``X-Telegram-Bot-Api-Secret-Token`` (constant-time compare, 403 otherwise), decodes
the update and puts it on ``application.update_queue``. Any instance may receive any update:
all state lives in the shared database. While shutting down the webhook answers 503, so
Telegram re-delivers the update (to another instance behind the proxy) instead of losing it.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_PLAIN_0_0_4
from telegram import Update
from telegram.ext import Application

from bot.services.reminders.outbox_stats import OutboxStats, outbox_stats
from bot.telegram.runtime import Runtime, runtime_of
from bot.web.confirm.app import mount_confirm
from bot.web.desk.app import mount_desk
from bot.web.desk.deps import DeskDeps
from bot.web.health import check_health
from bot.web.metrics import Metrics

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name, not a secret
AnyApplication = Application[Any, Any, Any, Any, Any, Any]


class WebServer:
    """Serves the webhook (when ``secret`` and ``path`` are given), health, metrics and the desk."""

    def __init__(
        self,
        app: AnyApplication,
        metrics: Metrics,
        *,
        host: str,
        port: int,
        secret: str | None = None,
        path: str | None = None,
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.runtime: Runtime = runtime_of(app.bot_data)
        self.host, self.port = host, port
        self._secret = secret.encode() if secret else None
        self.accepting = True
        self._runner: web.AppRunner | None = None
        web_app = web.Application(client_max_size=1024 * 1024)
        web_app.router.add_get("/healthz", self._health)
        web_app.router.add_get("/metrics", self._metrics)
        if self._secret is not None and path:
            web_app.router.add_post("/" + path.strip("/"), self._webhook)
        mount_desk(web_app, DeskDeps(self.runtime.ctx, self.runtime.renderer))
        mount_confirm(web_app, DeskDeps(self.runtime.ctx, self.runtime.renderer))
        self._web_app = web_app

    async def start(self) -> int:
        """Bind and serve; returns the port (useful with port 0)."""
        self._runner = web.AppRunner(self._web_app, access_log=None, shutdown_timeout=5)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        self.port = int(self._runner.addresses[0][1])
        log.info("http server listening on %s:%d", self.host, self.port)
        return self.port

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _webhook(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if self._secret is None or not hmac.compare_digest(given, self._secret):
            self.metrics.webhook_rejected.inc()
            log.warning("webhook request refused: missing or wrong secret token")
            return web.Response(status=403)
        if not self.accepting or not self.app.running:
            return web.Response(status=503)  # Telegram retries; another instance may take it
        try:
            data = await request.json()
            update = Update.de_json(data, self.app.bot)
        except (TypeError, KeyError, ValueError, AttributeError):  # JSONDecodeError is a ValueError
            log.warning("webhook request with an undecodable body refused")
            return web.Response(status=400)
        await self.app.update_queue.put(update)
        return web.Response(status=200)

    async def _health(self, _request: web.Request) -> web.Response:
        health = await check_health(self.runtime)
        return web.json_response(health.body, status=200 if health.ok else 503)

    async def _metrics(self, _request: web.Request) -> web.Response:
        try:
            stats = await asyncio.to_thread(_outbox_stats, self.runtime)
        except Exception:  # the database is down: still serve the counters
            log.warning("metrics: outbox statistics unavailable", exc_info=True)
            stats = None
        if stats is not None:
            self.metrics.observe_outbox(stats)
        return web.Response(
            body=self.metrics.render(), headers={"Content-Type": CONTENT_TYPE_PLAIN_0_0_4}
        )


def _outbox_stats(runtime: Runtime) -> OutboxStats:
    with runtime.ctx.session() as session:
        return outbox_stats(session, now=runtime.ctx.clock.now())
