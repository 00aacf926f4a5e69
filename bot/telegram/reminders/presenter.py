"""Reminder messages as the group sees them: text from templates, buttons from the codec.

Used both when the dispatcher posts a reminder and when a button press edits it, so the two
always look the same.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from markupsafe import Markup
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.catalog import Catalog
from bot.catalog.models import Kind
from bot.domain.reminder_kind import family_of
from bot.render import Renderer
from bot.services.reminders.views import ItemView
from bot.store.models import Enterprise, OccurrenceStatus
from bot.telegram.callbacks import AddEvidence, Confirm, ShowEvidence, SnoozeMenu, Undo, encode

MAX_ROWS = 24


def _sources(catalog: Catalog, obligation_id: str, locale: str) -> list[dict[str, str]]:
    obligation = catalog.obligations.get(obligation_id)
    if obligation is None:
        return []
    return [
        {"title": catalog.documents[s.doc].title.get(locale), "item": s.item or ""}
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
    due_day = occ.due_at.astimezone(tz).date()
    return {
        "family": family_of(view.kind).value,
        "title": obligation.title.get(locale) if obligation else occ.obligation_id,
        "description": obligation.description.get(locale) if obligation else "",
        "area": occ.area,
        "due": occ.due_at,
        "tz": enterprise.timezone,
        "window_start": occ.window_start,
        "days_left": (due_day - now.astimezone(tz).date()).days,
        "quota": occ.quota,
        "count": len(view.confirmations),
        "done": occ.status == OccurrenceStatus.DONE.value,
        "confirmations": [{"name": c.user_name, "at": c.confirmed_at} for c in view.confirmations],
        "evidence": view.evidence,
        "expects_evidence": bool(obligation and obligation.evidence),
        "per_person": view.per_person,
        "missing": [{"id": m.user_id, "name": m.name} for m in view.missing],
        "sources": _sources(catalog, occ.obligation_id, locale),
    }


def _is_campaign(catalog: Catalog, obligation_id: str) -> bool:
    obligation = catalog.obligations.get(obligation_id)
    return obligation is not None and obligation.kind is Kind.CAMPAIGN


def _buttons(
    renderer: Renderer, locale: str, view: ItemView, title: str, several: bool
) -> list[InlineKeyboardButton]:
    occ_id = view.occurrence.id or 0
    done = view.occurrence.status == OccurrenceStatus.DONE.value

    def label(name: str, **values: object) -> str:
        return renderer.text(locale, f"buttons/{name}", **values)

    row: list[InlineKeyboardButton] = []
    if not done:
        row.append(
            InlineKeyboardButton(
                label("confirm", title=title, several=several),
                callback_data=encode(Confirm(occ_id)),
            )
        )
        row.append(
            InlineKeyboardButton(
                label("snooze", several=several), callback_data=encode(SnoozeMenu(occ_id))
            )
        )
    else:
        row.append(
            InlineKeyboardButton(label("undo", several=several), callback_data=encode(Undo(occ_id)))
        )
    row.append(
        InlineKeyboardButton(
            label("add_evidence", several=several), callback_data=encode(AddEvidence(occ_id))
        )
    )
    if view.evidence and not several:
        row.append(
            InlineKeyboardButton(
                label("show_evidence", count=view.evidence),
                callback_data=encode(ShowEvidence(occ_id)),
            )
        )
    return row


def reminder_keyboard(
    renderer: Renderer, catalog: Catalog, enterprise: Enterprise, views: list[ItemView]
) -> InlineKeyboardMarkup | None:
    several = len(views) > 1
    rows = []
    for view in views:
        if _is_campaign(catalog, view.occurrence.obligation_id):
            continue
        obligation = catalog.obligations.get(view.occurrence.obligation_id)
        title = (
            obligation.title.get(enterprise.locale) if obligation else view.occurrence.obligation_id
        )
        rows.append(_buttons(renderer, enterprise.locale, view, title, several))
    return InlineKeyboardMarkup(rows[:MAX_ROWS]) if rows else None


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
        # rendered by an autoescaping template, so safe to embed:
        items.append(Markup(renderer.render(locale, f"reminders/{ctx['family']}", **ctx)))  # noqa: S704
    text = renderer.render(
        locale, "reminders/message", items=items, catch_up=catch_up, enterprise=enterprise.name
    )
    return text, reminder_keyboard(renderer, catalog, enterprise, views)
