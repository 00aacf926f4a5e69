"""The desk's sub-application, mounted by ``WebServer`` under ``/desk/``.

Each part of the desk exports ``register(app)`` and is listed in ``PARTS`` (one line each).
A middleware turns every refusal (``refuse(...)``, aiohttp's HTTP errors, an unexpected
exception) into the desk's error page and adds the security headers; a catch-all route last
gives unknown paths the same 404 page.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web

from bot.web.desk import channels, evidence, pages, reports, sessions
from bot.web.desk.auth import Refused, refuse, scope_of
from bot.web.desk.deps import DESK_DEPS, DeskDeps
from bot.web.desk.layout import PAGE_HEADERS, error_page, render_page

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# The parts of the desk, in routing order (the sessions part owns login and logout).
PARTS: list[Callable[[web.Application], None]] = [
    sessions.register,
    reports.register,
    evidence.register,
    pages.register,
    channels.register,
]


@web.middleware
async def _pages(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except Refused as refusal:
        return error_page(request, refusal.status, refusal.reason_key)
    except web.HTTPException as exc:
        if exc.status < 400:
            for name, value in PAGE_HEADERS.items():
                exc.headers.setdefault(name, value)
            raise
        return error_page(request, exc.status, "")
    except Exception:
        log.exception("desk: %s %s failed", request.method, request.path)
        return error_page(request, 500, "server_error")
    for name, value in PAGE_HEADERS.items():
        if name != "Cache-Control" or not response.headers.get(name):
            response.headers.setdefault(name, value)
    return response


async def _landing(request: web.Request) -> web.Response:
    """``/desk/`` until the overview is registered: who is logged in, for which enterprises."""
    scope = scope_of(request)
    return render_page(request, scope, "home", count=len(scope.enterprise_ids))


async def _unknown(_request: web.Request) -> web.Response:
    raise refuse(404, "not_found")


def _has_get(app: web.Application, path: str) -> bool:
    return any(
        route.method == "GET" and route.resource is not None and route.resource.canonical == path
        for route in app.router.routes()
    )


def build_desk_app(deps: DeskDeps) -> web.Application:
    app = web.Application(middlewares=[_pages])
    app[DESK_DEPS] = deps
    app.router.add_static("/static/", STATIC_DIR, name="static", append_version=False)
    for register in PARTS:
        register(app)
    if not _has_get(app, "/"):
        app.router.add_get("/", _landing, name="overview")
    app.router.add_route("*", "/{tail:.*}", _unknown)
    return app


async def _to_desk(_request: web.Request) -> web.Response:
    raise web.HTTPFound("/desk/")


def mount_desk(web_app: web.Application, deps: DeskDeps) -> None:
    """Serve the desk under ``/desk/`` of the bot's web server."""
    web_app.router.add_get("/desk", _to_desk)
    web_app.add_subapp("/desk/", build_desk_app(deps))
