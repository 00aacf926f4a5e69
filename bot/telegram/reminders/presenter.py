"""Reminder messages as the group sees them: text from templates, buttons from the codec.

A digest groups its items into overdue, due today and coming due; each item's button row
names it (``✅ 疏散逃生演练·生产区``); the 依据 (sources) sit behind one 📖 button. Used when
the dispatcher posts, when a press edits the message and when a newer digest tidies it, so
they always look the same.
"""

from __future__ import annotations

import datetime as dt

from markupsafe import Markup
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.catalog import Catalog
from bot.catalog.models import Kind
from bot.render import Renderer
from bot.services.hazards.summary import HazardSummary
from bot.services.people.digest import StandDown
from bot.services.reminders.item_context import SECTIONS, item_context, item_name
from bot.services.reminders.views import ItemView
from bot.store.models import Enterprise, OccurrenceStatus
from bot.telegram.callbacks import (
    AddEvidence,
    Callback,
    Confirm,
    ShowEvidence,
    ShowSources,
    Snooze,
    SnoozeMenu,
    Undo,
    encode,
)
from bot.telegram.hazard_followup.texts import digest_section
from bot.telegram.stats.people_line import digest_line

__all__ = [
    "SECTIONS",
    "item_context",
    "item_menu",
    "item_name",
    "reminder_keyboard",
    "reminder_message",
    "stale_message",
]

MAX_ROWS = 24


def _is_campaign(catalog: Catalog, obligation_id: str) -> bool:
    obligation = catalog.obligations.get(obligation_id)
    return obligation is not None and obligation.kind is Kind.CAMPAIGN


def _buttons(
    renderer: Renderer, locale: str, view: ItemView, name: str
) -> list[InlineKeyboardButton]:
    """``✅ name`` (or ``↩️ 撤销 name`` once done) and ``⋯`` for snooze and evidence."""
    occ_id = view.occurrence.id or 0
    done = view.occurrence.status == OccurrenceStatus.DONE.value
    main = ("undo", Undo(occ_id)) if done else ("confirm", Confirm(occ_id))
    return [
        InlineKeyboardButton(
            renderer.text(locale, f"buttons/{main[0]}", name=name), callback_data=encode(main[1])
        ),
        InlineKeyboardButton(
            renderer.text(locale, "buttons/more"), callback_data=encode(SnoozeMenu(occ_id))
        ),
    ]


def item_menu(
    renderer: Renderer, locale: str, view: ItemView, choices: tuple[str, ...]
) -> InlineKeyboardMarkup:
    """What ``⋯`` opens for one item: snooze choices (if open), evidence, and back."""
    occ_id = view.occurrence.id or 0
    done = view.occurrence.status == OccurrenceStatus.DONE.value

    def button(label: str, callback: Callback, **values: object) -> InlineKeyboardButton:
        text = renderer.text(locale, f"buttons/{label}", **values)
        return InlineKeyboardButton(text, callback_data=encode(callback))

    rows = []
    if not done:
        rows.append([button("snooze_choice", Snooze(occ_id, c), choice=c) for c in choices])
    evidence = [button("add_evidence", AddEvidence(occ_id))]
    if view.evidence:
        evidence.append(button("show_evidence", ShowEvidence(occ_id), count=view.evidence))
    rows.append(evidence)
    rows.append([button("snooze_choice", Snooze(occ_id, "no"), choice="no")])
    return InlineKeyboardMarkup(rows)


def reminder_keyboard(
    renderer: Renderer,
    catalog: Catalog,
    enterprise: Enterprise,
    views: list[ItemView],
    *,
    sources_shown: bool | None = None,
) -> InlineKeyboardMarkup | None:
    """A row per item (campaigns have none); with ``sources_shown`` set, a 📖 toggle below."""
    rows = [
        _buttons(renderer, enterprise.locale, view, item_name(catalog, enterprise, view, renderer))
        for view in views
        if not _is_campaign(catalog, view.occurrence.obligation_id)
    ][:MAX_ROWS]
    if sources_shown is not None and views:
        toggle = ShowSources(views[0].occurrence.id or 0, not sources_shown)
        label = renderer.text(enterprise.locale, "buttons/sources", shown=sources_shown)
        rows.append([InlineKeyboardButton(label, callback_data=encode(toggle))])
    return InlineKeyboardMarkup(rows) if rows else None


def _sections(
    renderer: Renderer, locale: str, contexts: list[dict[str, object]]
) -> list[dict[str, object]]:
    """Items rendered and grouped: overdue, due today, coming due, campaigns (in that order)."""
    grouped: dict[str, list[Markup]] = {key: [] for key in SECTIONS}
    for ctx in contexts:
        state = str(ctx["state"])
        rendered = renderer.repeated(locale, "reminders/item", **ctx)
        grouped[state].append(Markup(rendered))  # noqa: S704 - an autoescaping template's output
    return [{"key": key, "items": items} for key, items in grouped.items() if items]


def reminder_message(
    renderer: Renderer,
    catalog: Catalog,
    enterprise: Enterprise,
    views: list[ItemView],
    *,
    catch_up: bool,
    now: dt.datetime,
    digest_day: dt.date | None = None,
    show_sources: bool = False,
    hazards: HazardSummary | None = None,
    people: StandDown | None = None,
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The text and keyboard of a digest (``digest_day`` set) or a single reminder (a snooze);
    a digest ends with the enterprise's open ``hazards``, if it has any, after a line on the
    ``people`` standing down, if anyone does."""
    locale = enterprise.locale
    contexts = [item_context(catalog, enterprise, view, now) for view in views]
    section = (
        digest_section(renderer, locale, hazards)
        if hazards is not None and digest_day is not None
        else ""
    )
    text = renderer.repeated(  # groups with the same duties due get the same digest
        locale,
        "reminders/message",
        sections=_sections(renderer, locale, contexts),
        digest_day=digest_day,
        catch_up=catch_up,
        show_sources=show_sources,
        explained=contexts if show_sources else [],
        hazards=section,
        people=digest_line(renderer, locale, people) if people and digest_day else "",
    )
    keyboard = reminder_keyboard(renderer, catalog, enterprise, views, sources_shown=show_sources)
    return text, keyboard


def stale_message(
    renderer: Renderer,
    catalog: Catalog,
    enterprise: Enterprise,
    views: list[ItemView],
    now: dt.datetime,
    in_digest: frozenset[int] = frozenset(),
) -> str:
    """A superseded reminder: where each of its items now stands, no buttons.

    ``in_digest``: the occurrences the new digest shows (an open item there says so; one
    that is not points to /due)."""
    contexts = [
        item_context(catalog, enterprise, view, now)
        | {"in_digest": view.occurrence.id in in_digest}
        for view in views
    ]
    return renderer.render(enterprise.locale, "reminders/stale", items=contexts)
