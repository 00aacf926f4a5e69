"""The HTTP face of the fake Telegram: the aiohttp app, routing to api_* methods, getUpdates.

The bot talks to it through PTB's real request path; requests are decoded in ``wire.py``,
faults and flood limits applied from ``limits.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

from aiohttp import web

from bot.emulator.limits import ServerLimits
from bot.emulator.state import JSON, ApiCall, ApiError, Store
from bot.emulator.wire import Handler, Upload, camel, read_params

log = logging.getLogger(__name__)
_HIDDEN_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class BotApiServer(ServerLimits):
    """aiohttp server that dispatches /bot<token>/<method> to api_* coroutines of subclasses."""

    def __init__(
        self, *, bot_id: int, bot_username: str, enforce_limits: bool, now: Callable[[], float]
    ) -> None:
        self.bot_user: JSON = {
            "id": bot_id,
            "is_bot": True,
            "first_name": "Frontline Safety Bot",
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        super().__init__()
        self.privacy_mode = True  # BotFather's default; see privacy.py
        self.store = Store(self.bot_user, now)
        self.calls: list[ApiCall] = []
        self.enforce_limits = enforce_limits
        self.webhook: JSON = {}
        self._poll_generation = 0
        self.long_polls_waiting = 0  # getUpdates requests parked on the server right now
        self._runner: web.AppRunner | None = None
        self._address = ("127.0.0.1", 0)
        self._methods: dict[str, tuple[str, Handler]] = {
            name[4:].replace("_", ""): (camel(name[4:]), getattr(self, name))
            for name in dir(self)
            if name.startswith("api_")
        }

    # ----- lifecycle -----
    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Bind the server (port 0 picks a free port) on the running event loop."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        self._address = (host, int(self._runner.addresses[0][1]))
        self.store.closing = False

    async def stop(self) -> None:
        """Release long polls at once, then close the server."""
        self.store.closing = True
        self.store.notify()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        """For Bot(base_url=...) / ApplicationBuilder().base_url(...); PTB appends the token."""
        return f"http://{self._address[0]}:{self._address[1]}/bot"

    @property
    def base_file_url(self) -> str:
        """For Bot(base_file_url=...), so File.download_* fetches from here."""
        return f"http://{self._address[0]}:{self._address[1]}/file/bot"

    # ----- HTTP -----
    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = request.match_info["tail"]
        if path.startswith("file/bot"):
            return self._download(path.split("/", 2)[2] if path.count("/") >= 2 else "")
        prefix, _, method = path.partition("/")
        name, handler = self._methods.get(method.lower(), (method, None))
        handler = handler if prefix.startswith("bot") else None
        params = await read_params(request)
        delay = self.latency(name)
        if delay > 0 and not self.store.closing:
            await asyncio.sleep(delay)
        limited = self.enforce_limits and name.startswith("send") and name != "sendChatAction"
        body: JSON
        try:
            if handler is None:
                raise ApiError(404, "Not Found")
            self._take_fault(name, params)
            if limited:
                self._flood_check(params.get("chat_id"))
            result = await handler(params)
            if limited:
                self._flood_record(params.get("chat_id"))
            status, body = 200, {"ok": True, "result": result}
        except ApiError as err:
            status, body = (
                err.code,
                {"ok": False, "error_code": err.code, "description": err.description},
            )
            if err.parameters:
                body["parameters"] = err.parameters
        except Exception as exc:  # an emulator bug must fail loudly, not hang the bot
            log.exception("emulator crashed in %s", name)
            status, body = (
                500,
                {
                    "ok": False,
                    "error_code": 500,
                    "description": f"Internal Server Error: emulator: {exc!r}",
                },
            )
        shown = {
            k: f"<upload {v.filename}, {len(v.data)} bytes>" if isinstance(v, Upload) else v
            for k, v in params.items()
        }
        self.calls.append(
            ApiCall(
                name,
                shown,
                status,
                status == 200,
                body.get("error_code"),
                time.monotonic(),
                body.get("description"),
            )
        )
        self.store.notify()
        return web.json_response(body, status=status)

    def _download(self, file_path: str) -> web.Response:
        found = [r.data for r in self.store.files.values() if r.file_path == file_path]
        if found:
            return web.Response(body=found[0], content_type="application/octet-stream")
        return web.json_response(
            {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
        )

    # ----- getUpdates -----
    def _take_updates(self, limit: int) -> list[JSON]:
        allowed = set(self.store.allowed_updates or ())

        def visible(update: JSON) -> bool:
            kind = next(k for k in update if k != "update_id")
            return kind in allowed if allowed else kind not in _HIDDEN_BY_DEFAULT

        self.store.updates = [u for u in self.store.updates if visible(u)]
        batch = self.store.updates[:limit]
        if batch:
            self.store.delivered_upto = max(self.store.delivered_upto, batch[-1]["update_id"])
        return batch

    async def api_get_updates(self, p: JSON) -> list[JSON]:
        """Long polling with Telegram's confirmation-by-offset and single-poller rule."""
        if self.webhook.get("url"):
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset, limit = int(p.get("offset") or 0), min(max(int(p.get("limit") or 100), 1), 100)
        if "allowed_updates" in p:
            self.store.allowed_updates = p["allowed_updates"] or None
        if offset > 0:
            self.store.updates = [u for u in self.store.updates if u["update_id"] >= offset]
        elif offset < 0:
            self.store.updates = self.store.updates[offset:]
        self._poll_generation += 1
        generation = self._poll_generation
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(0.0, float(p.get("timeout") or 0))
        self.long_polls_waiting += 1
        self.store.notify()
        try:
            while True:
                changed = self.store.changed
                if generation != self._poll_generation:
                    raise ApiError(
                        409,
                        "Conflict: terminated by other getUpdates request; "
                        "make sure that only one bot instance is running",
                    )
                batch = self._take_updates(limit)
                remaining = deadline - loop.time()
                if batch or self.store.closing or remaining <= 0:
                    return batch
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(changed.wait(), remaining)
        finally:
            self.long_polls_waiting -= 1
