"""The desk's pages about enterprises: the overview (``/desk/``), the 督办 list
(``/desk/supervision``) and one enterprise (``/desk/enterprise/{id}``, ``enterprise_page``).

A handler reads the scope and the query, runs the queries in a worker thread (an office of
200 enterprises must not hold up the bot's event loop), and renders; charts are SVG drawn by
the templates from ``bot.services.desk.charts``.
"""

from __future__ import annotations

import asyncio

from aiohttp import web

from bot.services.desk import charts
from bot.services.desk.filters import Choices, PageGone, choices, narrow
from bot.services.desk.overview import Overview, overview
from bot.services.desk.supervision import Supervision, supervision
from bot.web.desk import enterprise_page
from bot.web.desk.auth import refuse, scope_of
from bot.web.desk.deps import deps_of
from bot.web.desk.layout import render_page
from bot.web.desk.page_query import common, page_query

STATES = ("done", "overdue", "due")


async def overview_page(request: web.Request) -> web.Response:
    scope = scope_of(request)
    query = page_query(request)
    ctx = deps_of(request).ctx

    def read() -> tuple[Overview, Choices]:
        with ctx.session() as session:
            ids = narrow(session, scope.enterprise_ids, query.filters)
            view = overview(session, ids, query.period, tz=query.tz, now=query.now,
                            page_number=query.page)  # fmt: skip
            return view, choices(session, scope.enterprise_ids)

    try:
        view, menus = await asyncio.to_thread(read)
    except PageGone:
        raise refuse(404, "page_gone") from None
    totals = view.totals
    return render_page(
        request, scope, "overview", view=view, **common(request, scope, query, menus),
        ring=charts.donut(list(zip(STATES, (totals.done, totals.overdue, totals.due), strict=True))),
        histogram=charts.stacked_columns([[n] for n in view.bands], ["enterprises"], width=360, height=120),
        bars=charts.bars([row.completion for row in view.rows]),
    )  # fmt: skip


async def supervision_page(request: web.Request) -> web.Response:
    scope = scope_of(request)
    query = page_query(request)
    ctx = deps_of(request).ctx

    def read() -> tuple[Supervision, Choices]:
        with ctx.session() as session:
            ids = narrow(session, scope.enterprise_ids, query.filters)
            view = supervision(session, ids, query.period, tz=query.tz, now=query.now,
                               page_number=query.page)  # fmt: skip
            return view, choices(session, scope.enterprise_ids)

    try:
        view, menus = await asyncio.to_thread(read)
    except PageGone:
        raise refuse(404, "page_gone") from None
    return render_page(
        request, scope, "supervision", view=view, **common(request, scope, query, menus)
    )


def register(app: web.Application) -> None:
    app.router.add_get("/", overview_page, name="overview")
    app.router.add_get("/supervision", supervision_page, name="supervision")
    enterprise_page.register(app)
