"""Formal reports on the desk: the period picker, the workbook download and the 通报 page.

``/desk/reports`` picks a period (``?period=`` in the four shapes of
``bot.services.desk.period``, the current month without one) and the sheets per group
(``?by=township|authority|sector``, repeatable); ``/desk/reports/workbook`` downloads the
workbook of the Telegram ``/report`` for it, ``/desk/reports/bulletin`` shows the printable
通报. Both take the desk's filters (``?township=``, ``?authority=``). A bad period is a 400
page naming the shapes; nothing of another office's enterprises is ever read.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from aiohttp import web

from bot.reports.labels import Labels, load_labels
from bot.reports.period import local_today
from bot.reports.quiz_source import QuizStatsSource
from bot.reports.sources import ReportSources
from bot.reports.summary_sheet import GROUPINGS
from bot.services.context import AppContext
from bot.services.desk import bulletin as desk_bulletin
from bot.services.desk.filters import Filters, narrow
from bot.services.desk.period import BadDeskPeriod, DeskPeriod, period_param, shortcuts
from bot.web.desk.auth import DeskScope, refuse, scope_of
from bot.web.desk.deps import deps_of
from bot.web.desk.layout import page_locale, render_page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sources(ctx: AppContext) -> ReportSources:
    """What /report reads (bot/telegram/app.py): 知晓率, drills, and the people's sheets."""
    return ReportSources(quiz=QuizStatsSource(), people=ctx.people_rules)


@dataclass(frozen=True)
class Ask:
    """What a reports request asks for, checked: the period, sheets per group, the filters."""

    scope: DeskScope
    period: DeskPeriod
    groupings: tuple[str, ...]
    ids: frozenset[int]  # the session's enterprises, narrowed by the filters
    tz: str
    locale: str

    def labels(self, request: web.Request) -> Labels:
        deps = deps_of(request)
        ctx = deps.ctx
        return load_labels(deps.renderer, ctx.catalog, self.locale, self.period.range,
                           ctx.hazard_standards)  # fmt: skip


def _ask(request: web.Request) -> Ask:
    scope = scope_of(request)
    ctx = deps_of(request).ctx
    groupings = tuple(dict.fromkeys(request.query.getall("by", [])))
    if any(g not in GROUPINGS for g in groupings):
        raise refuse(400, "bad_request")
    filters = Filters(request.query.get("township") or None, request.query.get("authority") or None)
    with ctx.session() as session:
        tz = desk_bulletin.desk_timezone(
            session, scope.office_id, scope.enterprise_ids, ctx.settings.bot_timezone
        )
        ids = frozenset(narrow(session, scope.enterprise_ids, filters))
    try:
        period = period_param(request.query.get("period"), local_today(ctx.clock.now(), tz))
    except BadDeskPeriod:
        raise refuse(400, "bad_period") from None
    return Ask(scope, period, groupings, ids, tz, page_locale(request, scope))


def _query(ask: Ask, request: web.Request) -> dict[str, str | list[str]]:
    """The query the page's links carry on: period, groupings, filters (not the language)."""
    kept: dict[str, str | list[str]] = {"period": ask.period.text}
    if ask.groupings:
        kept["by"] = list(ask.groupings)
    for name in ("township", "authority"):
        if request.query.get(name):
            kept[name] = request.query[name]
    return kept


def _url(request: web.Request, name: str, query: dict[str, str | list[str]]) -> str:
    pairs = [
        (k, v)
        for k, values in query.items()
        for v in ([values] if isinstance(values, str) else values)
    ]
    return str(request.app.router[name].url_for().with_query(pairs))


async def reports_page(request: web.Request) -> web.Response:
    ask = _ask(request)
    deps = deps_of(request)
    query = _query(ask, request)
    today = local_today(deps.ctx.clock.now(), ask.tz)
    quick = [(p, p.label(deps.renderer, ask.locale), _url(request, "reports", query | {"period": p.text}))
             for p in shortcuts(today)]  # fmt: skip
    return render_page(
        request, ask.scope, "reports", period=ask.period,
        period_label=ask.period.label(deps.renderer, ask.locale), groupings=ask.groupings,
        all_groupings=GROUPINGS, quick=quick, count=len(ask.ids),
        workbook_url=_url(request, "reports_workbook", query),
        bulletin_url=_url(request, "reports_bulletin", query),
    )  # fmt: skip


async def workbook(request: web.Request) -> web.Response:
    """The workbook as a download; its file name is built from the period only (ASCII)."""
    ask = _ask(request)
    ctx = deps_of(request).ctx
    labels = ask.labels(request)
    body = await asyncio.to_thread(
        desk_bulletin.workbook, ctx.session, ask.ids, ask.period, labels,
        issuer=ask.scope.desk_name, tz=ask.tz, now=ctx.clock.now(), sources=_sources(ctx),
        groupings=ask.groupings,
    )  # fmt: skip
    name = f"safety-report-{ask.period.text}.xlsx"
    return web.Response(body=body, content_type=XLSX, headers={
        "Content-Disposition": f'attachment; filename="{name}"',
    })  # fmt: skip


async def bulletin_page(request: web.Request) -> web.Response:
    ask = _ask(request)
    deps = deps_of(request)
    ctx = deps.ctx
    labels = ask.labels(request)

    def read() -> desk_bulletin.Bulletin:
        with ctx.session() as session:
            return desk_bulletin.bulletin(
                session, ask.ids, ask.period, labels, issuer=ask.scope.desk_name, tz=ask.tz,
                now=ctx.clock.now(), sources=_sources(ctx),
            )  # fmt: skip

    data = await asyncio.to_thread(read)
    return render_page(
        request, ask.scope, "bulletin", b=data, labels=labels,
        period_label=ask.period.label(deps.renderer, ask.locale),
        workbook_url=_url(request, "reports_workbook", _query(ask, request)),
        reports_url=_url(request, "reports", _query(ask, request)),
    )  # fmt: skip


def register(app: web.Application) -> None:
    app.router.add_get("/reports", reports_page, name="reports")
    app.router.add_get("/reports/workbook", workbook, name="reports_workbook")
    app.router.add_get("/reports/bulletin", bulletin_page, name="reports_bulletin")
