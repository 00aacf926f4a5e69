"""What a desk page was asked for: ``?period=``, ``?township=``, ``?authority=``, ``?page=``,
parsed once per request (a bad value is a 400 page), and links that keep the others.

Also the words pages show for stored ids (obligation titles, sectors, areas, drill
scenarios) in the page's language, from the catalog the bot already loaded.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from yarl import URL

from bot.services.desk.filters import BadAttribute, BadPage, Choices, Filters, clean, page_number
from bot.services.desk.period import BadDeskPeriod, DeskPeriod, period_param, shortcuts
from bot.services.drill.scenarios import ScenarioBook, load_scenarios
from bot.web.desk.auth import DeskScope, refuse
from bot.web.desk.deps import deps_of
from bot.web.desk.layout import page_locale

KEPT = ("period", "township", "authority", "lang")


@dataclass(frozen=True)
class PageQuery:
    period: DeskPeriod
    filters: Filters
    page: int
    tz: str
    now: dt.datetime

    @property
    def today(self) -> dt.date:
        return self.now.astimezone(ZoneInfo(self.tz)).date()


def page_query(request: web.Request) -> PageQuery:
    """The request's period, filters and page number; 400 page for a bad one."""
    ctx = deps_of(request).ctx
    tz, now = ctx.settings.bot_timezone, ctx.clock.now()
    query = request.query
    try:
        period = period_param(query.get("period"), now.astimezone(ZoneInfo(tz)).date())
    except BadDeskPeriod:
        raise refuse(400, "bad_period") from None
    try:
        number = page_number(query.get("page"))
        filters = Filters(clean(query.get("township")), clean(query.get("authority")))
    except (BadPage, BadAttribute):
        raise refuse(400, "bad_page") from None
    return PageQuery(period, filters, number, tz, now)


def linker(request: web.Request, path: str | None = None) -> Callable[..., str]:
    """``link(page=2)``, ``link(township=None)``: this page's (or ``path``'s) address with the
    kept parameters of the request, some changed or dropped (``None``)."""
    kept = {k: v for k, v in request.query.items() if k in KEPT and v != ""}

    def link(**changes: object) -> str:
        values = kept | {k: str(v) for k, v in changes.items() if v is not None}
        for k, v in changes.items():
            if v is None:
                values.pop(k, None)
        return str(URL(path or request.path).with_query(values))

    return link


@functools.cache
def _scenarios(messages_dir: Path) -> ScenarioBook:
    return load_scenarios(messages_dir)


@dataclass(frozen=True)
class Names:
    """Stored ids as the page's reader calls them."""

    titles: dict[str, str]
    sectors: dict[str, str]
    areas: dict[str, str]
    scenarios: dict[str, str]

    def title(self, obligation_id: str) -> str:
        return self.titles.get(obligation_id, obligation_id)

    def sector(self, sector_id: str) -> str:
        return self.sectors.get(sector_id, sector_id)

    def area(self, area: str | None) -> str:
        return self.areas.get(area, area) if area else ""

    def scenario(self, scenario_id: str) -> str:
        return self.scenarios.get(scenario_id, scenario_id)


def names(request: web.Request, locale: str) -> Names:
    ctx = deps_of(request).ctx
    catalog = ctx.catalog
    book = _scenarios(ctx.settings.messages_dir)
    return Names(
        titles={o.id: o.title.get(locale) for o in catalog.obligations.values()},
        sectors={s.id: s.name.get(locale) for s in catalog.sectors.values()},
        areas={str(a): name.get(locale) for a, name in catalog.area_names.items()},
        scenarios={s.id: s.title.get(locale) for s in book.scenarios},
    )


def common(
    request: web.Request, scope: DeskScope, query: PageQuery, menus: Choices
) -> dict[str, Any]:
    """What every enterprise page's filter bar and links need."""
    locale = page_locale(request, scope)
    renderer = deps_of(request).renderer
    periods = {p.text: p for p in [query.period, *shortcuts(query.today)]}
    return {
        "query": query,
        "period_label": query.period.label(renderer, locale),
        "periods": [(text, p.label(renderer, locale)) for text, p in periods.items()],
        "menus": menus,
        "link": linker(request),
        "names": names(request, locale),
        "goto": lambda path, **changes: linker(request, path)(**changes),
    }
