"""The desk's robot channels of an enterprise: list, add, remove (issue 22's setup on the web).

Who may change them: an enterprise admin's session, for its enterprise; an office's session,
for an enterprise it follows that is only on robot channels (nobody else can configure it). Everyone who may see the
enterprise sees the list, with each webhook masked. Every POST carries the CSRF token; a URL of
the wrong platform or shape is answered with the shape expected and nothing stored.
"""

from __future__ import annotations

import asyncio

from aiohttp import web

from bot.channels.platforms import mask
from bot.errors import BadWebhook
from bot.services.channels import registry
from bot.store.channel_models import PLATFORMS
from bot.store.models import Enterprise
from bot.web.desk.auth import DeskScope, check_csrf, refuse, require_enterprise, scope_of
from bot.web.desk.deps import deps_of
from bot.web.desk.enterprise_page import enterprise_id_of
from bot.web.desk.layout import render_page


def may_configure(scope: DeskScope, enterprise: Enterprise) -> bool:
    return scope.office_id is None or not enterprise.on_telegram


def _field(form: object, name: str) -> str:
    value = form.get(name, "")  # type: ignore[attr-defined]
    if not isinstance(value, str):
        raise refuse(400, "bad_request")
    return value.strip()


async def _page(
    request: web.Request, scope: DeskScope, enterprise_id: int, error: str = ""
) -> web.Response:
    ctx = deps_of(request).ctx

    def read() -> tuple[Enterprise | None, list[tuple[int, str, str, bool, str | None]]]:
        with ctx.session() as session:
            enterprise = session.get(Enterprise, enterprise_id)
            rows = [
                (n, c.platform, mask(c.webhook_url), c.active, c.disabled_reason)
                for n, c in enumerate(registry.channels_of(session, enterprise_id), start=1)
            ]
            return enterprise, rows

    enterprise, rows = await asyncio.to_thread(read)
    if enterprise is None:
        raise refuse(404, "not_found")
    response = render_page(
        request, scope, "desk/channels", enterprise=enterprise, channels=rows,
        platforms=PLATFORMS, configure=may_configure(scope, enterprise), error=error,
    )  # fmt: skip
    if error:
        response.set_status(400)
    return response


async def show(request: web.Request) -> web.Response:
    scope = scope_of(request)
    enterprise_id = enterprise_id_of(request)
    require_enterprise(scope, enterprise_id)
    return await _page(request, scope, enterprise_id)


async def _configurable(request: web.Request) -> tuple[DeskScope, int, object]:
    scope = scope_of(request)
    enterprise_id = enterprise_id_of(request)
    require_enterprise(scope, enterprise_id)
    form = await request.post()
    check_csrf(request, scope, form)
    ctx = deps_of(request).ctx
    with ctx.session() as session:
        enterprise = session.get(Enterprise, enterprise_id)
    if enterprise is None:
        raise refuse(404, "not_found")
    if not may_configure(scope, enterprise):
        raise refuse(403, "forbidden")
    return scope, enterprise_id, form


async def add(request: web.Request) -> web.Response:
    scope, enterprise_id, form = await _configurable(request)
    platform, url = _field(form, "platform"), _field(form, "url")
    secret, keyword = _field(form, "secret") or None, _field(form, "keyword") or None
    if platform not in PLATFORMS:
        raise refuse(400, "bad_request")
    deps = deps_of(request)
    ctx = deps.ctx

    def write() -> None:
        with ctx.session() as session:
            enterprise = session.get(Enterprise, enterprise_id)
            assert enterprise is not None
            registry.add_channel(
                session, enterprise, platform, url, secret, keyword, scope.user_id,
                now=ctx.clock.now(),
            )  # fmt: skip

    try:
        await asyncio.to_thread(write)
    except BadWebhook as refused:
        text = deps.renderer.render(scope.locale, refused.template, **refused.context)
        return await _page(request, scope, enterprise_id, error=text)
    raise web.HTTPSeeOther(f"/desk/enterprise/{enterprise_id}/channels?saved=1")


async def remove(request: web.Request) -> web.Response:
    _, enterprise_id, form = await _configurable(request)
    number = _field(form, "number")
    if not number.isdigit() or len(number) > 4:
        raise refuse(400, "bad_request")
    ctx = deps_of(request).ctx

    def write() -> bool:
        with ctx.session() as session:
            return registry.remove_channel(session, enterprise_id, int(number)) is not None

    if not await asyncio.to_thread(write):
        raise refuse(404, "not_found")
    raise web.HTTPSeeOther(f"/desk/enterprise/{enterprise_id}/channels?saved=1")


def register(app: web.Application) -> None:
    app.router.add_get("/enterprise/{enterprise_id}/channels", show, name="channels")
    app.router.add_post("/enterprise/{enterprise_id}/channels/add", add)
    app.router.add_post("/enterprise/{enterprise_id}/channels/remove", remove)
