"""What the desk's handlers need, kept on the sub-application (``request.app[DESK_DEPS]``)."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from bot.render import Renderer
from bot.services.context import AppContext


@dataclass(frozen=True)
class DeskDeps:
    ctx: AppContext  # settings, database sessions, the clock
    renderer: Renderer  # the bot's Jinja2 environments and catalogs


DESK_DEPS = web.AppKey("desk_deps", DeskDeps)


def deps_of(request: web.Request) -> DeskDeps:
    return request.app[DESK_DEPS]
