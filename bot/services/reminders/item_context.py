"""One reminder item's values for the templates, the same on Telegram and on the robot channels.

``item_context`` is what ``reminders/item`` (Telegram) and ``channels/markdown/item`` (WeCom,
DingTalk, Feishu) render; ``item_name`` is how a button or a link names the item. Telegram-free,
so the robot channels' rendering (``bot.channels.render``) shares it with the presenter.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from bot.catalog import Catalog
from bot.catalog.models import Kind
from bot.domain.reminder_kind import Family, family_of
from bot.render import Renderer
from bot.services.reminders.views import ItemView
from bot.store.models import Enterprise, OccurrenceStatus

__all__ = ["SECTIONS", "item_context", "item_name"]

_SHIFT_LABEL = re.compile(r"-S\d+$")  # the label of a per-shift occurrence: 2026-12-02-S2
SECTIONS = ("overdue", "today", "soon", "campaign")


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
    days_left = (due_day - now.astimezone(tz).date()).days
    if obligation is not None and obligation.kind is Kind.CAMPAIGN:
        state = "campaign"
    else:
        state = "soon" if days_left > 0 else "today" if days_left == 0 else "overdue"
    return {
        "state": state,
        "escalated": family_of(view.kind) is Family.ESCALATE,
        "family": family_of(view.kind).value,
        "title": obligation.title.get(locale) if obligation else occ.obligation_id,
        "description": obligation.description.get(locale) if obligation else "",
        "area": occ.area,
        "due": occ.due_at,
        "tz": enterprise.timezone,
        "window_start": occ.window_start,
        "days_left": days_left,
        "shift": bool(_SHIFT_LABEL.search(occ.label)),
        "overdue_days": max(0, -days_left),
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


def item_name(catalog: Catalog, enterprise: Enterprise, view: ItemView, renderer: Renderer) -> str:
    """``疏散逃生演练·生产区``: how a button names its item."""
    occ = view.occurrence
    obligation = catalog.obligations.get(occ.obligation_id)
    title = obligation.title.get(enterprise.locale) if obligation else occ.obligation_id
    return renderer.text(enterprise.locale, "buttons/item_name", title=title, area=occ.area)
