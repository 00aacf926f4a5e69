"""Export occurrences as an iCalendar file (RFC 5545) for Outlook, Google, Apple Calendar.

The export lets an enterprise see the year's duties next to its own calendar. UIDs are the
occurrence keys, so importing a newer export updates events instead of duplicating them;
duties are timed events at their due moment with a VTIMEZONE, campaigns all-day events
spanning the campaign.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from icalendar import Calendar, Event

from bot.catalog.loader import Catalog
from bot.catalog.models import Kind, Obligation
from bot.domain.recurrence import Occurrence

PRODID = "-//Frontline Safety Bot//safetybot schedules show//ZH"
UID_DOMAIN = "safetybot"
DUTY_MINUTES = 30  # a due moment shown as a short slot; zero-length events render badly


def event_uid(occ: Occurrence) -> str:
    """A stable UID: the same occurrence gets the same UID in every export."""
    return f"{occ.key}@{UID_DOMAIN}"


def _summary(catalog: Catalog, ob: Obligation, occ: Occurrence, locale: str) -> str:
    title = ob.title.get(locale)
    if occ.area and occ.area in catalog.area_names:
        return f"{title} · {catalog.area_names[occ.area].get(locale)}"
    return title


def _description(catalog: Catalog, ob: Obligation, locale: str) -> str:
    lines = [ob.description.get(locale), ""]
    for src in ob.sources:
        doc = catalog.documents.get(src.doc)
        item = f" #{src.item}" if src.item else ""
        lines.append(f"{src.doc} {doc.title.get(locale) if doc else ''}{item}".strip())
    return "\n".join(lines)


def _event(
    catalog: Catalog, ob: Obligation, occ: Occurrence, *, locale: str, stamp: dt.datetime
) -> Event:
    event = Event()
    event.add("uid", event_uid(occ))
    event.add("dtstamp", stamp.astimezone(dt.UTC))
    event.add("summary", _summary(catalog, ob, occ, locale))
    event.add("description", _description(catalog, ob, locale))
    event.add("categories", [ob.kind.value])
    if ob.kind is Kind.CAMPAIGN:
        event.add("dtstart", occ.window_start)
        event.add("dtend", occ.window_end + dt.timedelta(days=1))
        event.add("transp", "TRANSPARENT")
    else:
        event.add("dtstart", occ.due)
        event.add("dtend", occ.due + dt.timedelta(minutes=DUTY_MINUTES))
    return event


def build_calendar(
    catalog: Catalog,
    items: Sequence[tuple[Obligation, Occurrence]],
    *,
    name: str,
    locale: str,
    stamp: dt.datetime,
) -> Calendar:
    """One VCALENDAR with a VEVENT per occurrence and the VTIMEZONEs they refer to."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for ob, occ in items:
        cal.add_component(_event(catalog, ob, occ, locale=locale, stamp=stamp))
    if items:
        first = min(occ.window_start for _, occ in items) - dt.timedelta(days=366)
        last = max(occ.window_end for _, occ in items) + dt.timedelta(days=366)
        cal.add_missing_timezones(first_date=first, last_date=last)
    return cal


def write_ics(
    path: Path,
    catalog: Catalog,
    items: Sequence[tuple[Obligation, Occurrence]],
    *,
    name: str,
    locale: str,
    stamp: dt.datetime,
) -> None:
    """Write the calendar to ``path`` (CRLF line endings, as RFC 5545 requires)."""
    cal = build_calendar(catalog, items, name=name, locale=locale, stamp=stamp)
    path.write_bytes(cal.to_ical())
