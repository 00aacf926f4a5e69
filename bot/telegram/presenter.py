"""Reminder messages as the group sees them: text from templates, buttons from the codec.

Used both when the dispatcher posts a reminder and when a confirmation edits it, so the two
always look the same.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from markupsafe import Markup
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.catalog import Catalog
from bot.render import Renderer
from bot.services.dispatcher import kind_family
from bot.store.models import Confirmation, Enterprise, OccurrenceRow, OccurrenceStatus
from bot.telegram.callbacks import Confirm, encode

MAX_BUTTONS = 24


@dataclass(frozen=True)
class ItemView:
    kind: str
    occurrence: OccurrenceRow
    confirmations: list[Confirmation]


def _sources(catalog: Catalog, obligation_id: str, locale: str) -> list[dict[str, str]]:
    obligation = catalog.obligations.get(obligation_id)
    if obligation is None:
        return []
    return [
        {"title": catalog.documents[s.doc].title.get(locale), "item": s.item}
        for s in obligation.sources
        if s.doc in catalog.documents
    ]


def item_context(
    catalog: Catalog, enterprise: Enterprise, view: ItemView, now: dt.datetime
) -> dict[str, object]:
    locale = enterprise.locale
    occ = view.occurrence
    obligation = catalog.obligations.get(occ.obligation_id)
    tz = ZoneInfo(enterprise.timezone)
    today = now.astimezone(tz).date()
    due_day = occ.due_at.astimezone(tz).date()
    return {
        "family": kind_family(view.kind),
        "title": obligation.title.get(locale) if obligation else occ.obligation_id,
        "description": obligation.description.get(locale) if obligation else "",
        "area": occ.area,
        "due": occ.due_at,
        "tz": enterprise.timezone,
        "window_start": occ.window_start,
        "days_left": (due_day - today).days,
        "quota": occ.quota,
        "count": len(view.confirmations),
        "done": occ.status == OccurrenceStatus.DONE.value,
        "confirmations": [{"name": c.user_name, "at": c.confirmed_at} for c in view.confirmations],
        "sources": _sources(catalog, occ.obligation_id, locale),
    }


def reminder_message(
    renderer: Renderer,
    catalog: Catalog,
    enterprise: Enterprise,
    views: list[ItemView],
    *,
    catch_up: bool,
    now: dt.datetime,
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The text and keyboard of a reminder (one item) or a digest (several)."""
    locale = enterprise.locale
    items = []
    for view in views:
        ctx = item_context(catalog, enterprise, view, now) | {"compact": len(views) > 1}
        items.append(Markup(renderer.render(locale, f"reminders/{ctx['family']}", **ctx)))  # noqa: S704 - rendered by an autoescaping template
    text = renderer.render(
        locale, "reminders/message", items=items, catch_up=catch_up, enterprise=enterprise.name
    )
    buttons = [
        [
            InlineKeyboardButton(
                renderer.text(
                    locale,
                    "buttons/confirm",
                    title=item_context(catalog, enterprise, v, now)["title"],
                    several=len(views) > 1,
                ),
                callback_data=encode(Confirm(v.occurrence.id or 0)),
            )
        ]
        for v in views
        if v.occurrence.status != OccurrenceStatus.DONE.value
    ][:MAX_BUTTONS]
    return text, InlineKeyboardMarkup(buttons) if buttons else None
