"""One enterprise on the desk (``/desk/enterprise/{id}``): figures, completion week by week,
timeline with evidence thumbnails, quiz and drill results; and the office setting its
乡镇/街道 and 行业主管部门 (``POST /desk/enterprise/{id}/attributes``, CSRF-checked).

An enterprise this desk does not oversee is a 404, the same as one that does not exist.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from aiohttp import web

from bot.services.desk import charts
from bot.services.desk.enterprise import EnterprisePage, enterprise_page
from bot.services.desk.filters import BadAttribute, Choices, PageGone, set_attributes
from bot.services.desk.timeline import Attachment
from bot.web.desk.auth import check_csrf, refuse, require_enterprise, scope_of
from bot.web.desk.deps import deps_of
from bot.web.desk.layout import render_page
from bot.web.desk.page_query import common, page_query

THUMBNAIL_ROUTE = "evidence_thumbnail"  # the evidence part's routes (bot/web/desk/evidence.py)
FILE_ROUTE = "evidence_file"
BUCKET_STATES = ("done", "overdue", "open")


def enterprise_id_of(request: web.Request) -> int:
    text = request.match_info["enterprise_id"]
    if not text.isascii() or not text.isdigit() or len(text) > 12:
        raise refuse(404, "not_found")
    return int(text)


def thumbnails(request: web.Request) -> Callable[[Attachment], tuple[str, str] | None]:
    """``thumb(attachment)``: its (thumbnail, file) addresses on the evidence part's routes,
    or None for a note, a file not in our storage, or a desk without the evidence part."""
    routes = request.app.router.named_resources()
    small, whole = routes.get(THUMBNAIL_ROUTE), routes.get(FILE_ROUTE)

    def thumb(item: Attachment) -> tuple[str, str] | None:
        if small is None or whole is None or item.kind == "note" or not item.stored:
            return None
        parts = {"source": item.source, "item_id": str(item.id)}
        return small.url_for(**parts).path, whole.url_for(**parts).path

    return thumb


async def show(request: web.Request) -> web.Response:
    scope = scope_of(request)
    enterprise_id = enterprise_id_of(request)
    require_enterprise(scope, enterprise_id)
    query = page_query(request)
    ctx = deps_of(request).ctx

    def read() -> EnterprisePage:
        with ctx.session() as session:
            return enterprise_page(session, enterprise_id, query.period, tz=query.tz,
                                   now=query.now, page_number=query.page)  # fmt: skip

    try:
        view = await asyncio.to_thread(read)
    except PageGone:
        raise refuse(404, "page_gone") from None
    except LookupError:
        raise refuse(404, "not_found") from None
    series = [[b.done, b.overdue, b.open] for b in view.buckets]
    return render_page(
        request, scope, "enterprise", view=view, saved=request.query.get("saved") == "1",
        **common(request, scope, query, Choices([], [])),
        weeks=charts.stacked_columns(series, BUCKET_STATES, width=600, height=140),
        thumb=thumbnails(request),
    )  # fmt: skip


async def save_attributes(request: web.Request) -> web.Response:
    scope = scope_of(request)
    enterprise_id = enterprise_id_of(request)
    require_enterprise(scope, enterprise_id)
    form = await request.post()
    check_csrf(request, scope, form)
    township, authority = form.get("township"), form.get("authority")
    if not isinstance(township, str) or not isinstance(authority, str):
        raise refuse(400, "bad_request")
    ctx = deps_of(request).ctx

    def write() -> None:
        with ctx.session() as session:
            set_attributes(session, enterprise_id, township=township, authority=authority)

    try:
        await asyncio.to_thread(write)
    except BadAttribute:
        raise refuse(400, "bad_attribute") from None
    except LookupError:
        raise refuse(404, "not_found") from None
    raise web.HTTPSeeOther(f"/desk/enterprise/{enterprise_id}?saved=1")


def register(app: web.Application) -> None:
    app.router.add_get("/enterprise/{enterprise_id}", show, name="enterprise")
    app.router.add_post("/enterprise/{enterprise_id}/attributes", save_attributes)
