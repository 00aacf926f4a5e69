"""An enterprise's timeline on the desk: duties that came due or were done (with who confirmed
them and the evidence), hazards (with their photos) and drills of a period, newest first, one
page at a time.

Each kind is read newest first with ``LIMIT offset + size`` and the three are merged, so a
page costs a few indexed queries however long the enterprise's history is; the
confirmations, evidence and photos are then read for that page's items only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy import or_
from sqlmodel import Session, col, func

from bot.reports.queries import aware
from bot.services.desk.filters import PAGE_SIZE, PageInfo, page
from bot.store.drill_models import Drill
from bot.store.hazard_models import Hazard, HazardPhoto
from bot.store.models import Confirmation, Evidence, OccurrenceRow, OccurrenceStatus
from bot.store.storage_models import StoredFile

CONFIRMERS_SHOWN = 5


@dataclass(frozen=True)
class Attachment:
    """Evidence to show: a photo or file (``source`` + ``id`` name it for the evidence routes)
    or a note's text."""

    source: str  # "evidence" | "hazard_photo"
    id: int
    kind: str  # photo | document | note
    text: str | None = None
    stored: bool = False  # kept in our own storage (the desk can show it), not purged


@dataclass
class Event:
    kind: str  # duty | hazard | drill
    at: dt.datetime
    id: int
    title: str  # an obligation id, a hazard description, a drill scenario id
    status: str  # duty: done/open/overdue; hazard and drill: their stored status
    area: str | None = None
    number: int | None = None  # a hazard's number
    grade: str | None = None
    people: list[str] = field(default_factory=list)  # confirmers; a hazard's reporter
    more_people: int = 0
    attachments: list[Attachment] = field(default_factory=list)


@dataclass(frozen=True)
class Timeline:
    events: list[Event]
    page: PageInfo


def cols(*columns: Any) -> list[Any]:
    return [col(c) for c in columns]


def _bounded(column: Any, start: dt.datetime, end: dt.datetime) -> list[Any]:
    return [column >= start, column < end]


def timeline(
    session: Session,
    enterprise_id: int,
    *,
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime,
    page_number: int = 1,
    page_size: int = PAGE_SIZE,
) -> Timeline:
    """The events of [start, end) newest first; PageGone past the last page."""
    o, h, d = OccurrenceRow, Hazard, Drill
    # Duties that came due by now, or were done ahead of their deadline: not the plan ahead.
    happened = or_(col(o.due_at) < now, col(o.status) == OccurrenceStatus.DONE.value)
    duty_where = [
        col(o.enterprise_id) == enterprise_id,
        *_bounded(col(o.due_at), start, end),
        happened,
    ]
    hazard_where = [
        col(h.enterprise_id) == enterprise_id,
        *_bounded(col(h.reported_at), start, end),
    ]
    drill_where = [col(d.enterprise_id) == enterprise_id, *_bounded(col(d.started_at), start, end)]
    total = sum(
        session.execute(sa.select(func.count()).select_from(table).where(*where)).scalar_one()
        for table, where in ((o, duty_where), (h, hazard_where), (d, drill_where))
    )
    info = page(page_number, total, page_size)
    wanted = info.offset + info.size
    events: list[Event] = []
    for row in session.execute(
        sa.select(*cols(o.id, o.due_at, o.obligation_id, o.status, o.area))
        .where(*duty_where).order_by(col(o.due_at).desc(), col(o.id).desc()).limit(wanted)
    ).all():  # fmt: skip
        due = aware(row.due_at)
        assert due is not None
        late = row.status != OccurrenceStatus.DONE.value and due < now
        status = "overdue" if late else row.status
        events.append(Event("duty", due, row.id, row.obligation_id, status, area=row.area))
    for row in session.execute(
        sa.select(*cols(h.id, h.reported_at, h.description, h.status, h.number, h.grade, h.reporter_name, h.anonymous))
        .where(*hazard_where).order_by(col(h.reported_at).desc(), col(h.id).desc()).limit(wanted)
    ).all():  # fmt: skip
        at = aware(row.reported_at)
        assert at is not None
        people = [] if row.anonymous else [row.reporter_name]
        events.append(
            Event("hazard", at, row.id, row.description, row.status, number=row.number,
                  grade=row.grade, people=people)
        )  # fmt: skip
    for row in session.execute(
        sa.select(*cols(d.id, d.started_at, d.scenario, d.status, d.area, d.organizer_name))
        .where(*drill_where).order_by(col(d.started_at).desc(), col(d.id).desc()).limit(wanted)
    ).all():  # fmt: skip
        at = aware(row.started_at)
        assert at is not None
        events.append(
            Event("drill", at, row.id, row.scenario, row.status, area=row.area,
                  people=[row.organizer_name])
        )  # fmt: skip
    events.sort(key=lambda e: (e.at, e.kind, e.id), reverse=True)
    shown = events[info.offset : info.offset + info.size]
    _attach(session, shown)
    return Timeline(shown, info)


def _attach(session: Session, events: list[Event]) -> None:
    """Confirmers and evidence of the duties shown, photos of the hazards shown."""
    duties = {e.id: e for e in events if e.kind == "duty"}
    hazards = {e.id: e for e in events if e.kind == "hazard"}
    if duties:
        names: defaultdict[int, list[str]] = defaultdict(list)
        for occurrence_id, name in session.execute(
            sa.select(col(Confirmation.occurrence_id), col(Confirmation.user_name))
            .where(col(Confirmation.occurrence_id).in_(duties))
            .order_by(col(Confirmation.confirmed_at), col(Confirmation.id))
        ).all():
            if name not in names[occurrence_id]:
                names[occurrence_id].append(name)
        for occurrence_id, people in names.items():
            duties[occurrence_id].people = people[:CONFIRMERS_SHOWN]
            duties[occurrence_id].more_people = max(0, len(people) - CONFIRMERS_SHOWN)
        for evidence_id, occurrence_id, kind, text in session.execute(
            sa.select(col(Evidence.id), col(Evidence.occurrence_id), col(Evidence.kind), col(Evidence.text))
            .where(col(Evidence.occurrence_id).in_(duties))
            .order_by(col(Evidence.created_at), col(Evidence.id))
        ).all():  # fmt: skip
            duties[occurrence_id].attachments.append(
                Attachment("evidence", evidence_id, kind, text)
            )
    if hazards:
        for photo_id, hazard_id in session.execute(
            sa.select(col(HazardPhoto.id), col(HazardPhoto.hazard_id))
            .where(col(HazardPhoto.hazard_id).in_(hazards))
            .order_by(col(HazardPhoto.at), col(HazardPhoto.id))
        ).all():
            hazards[hazard_id].attachments.append(Attachment("hazard_photo", photo_id, "photo"))
    files = [a for e in events for a in e.attachments if a.kind != "note"]
    if files:
        kept = _stored(session, files)
        for e in events:
            e.attachments = [replace(a, stored=(a.source, a.id) in kept) for a in e.attachments]


def _stored(session: Session, files: list[Attachment]) -> set[tuple[str, int]]:
    """Which of ``files`` are in our storage now (stored and not purged)."""
    f = StoredFile
    found = set()
    for source in {a.source for a in files}:
        ids = [a.id for a in files if a.source == source]
        found |= {
            (source, int(i))
            for (i,) in session.execute(
                sa.select(col(f.source_id)).where(
                    col(f.source) == source, col(f.source_id).in_(ids),
                    col(f.stored_at).is_not(None), col(f.purged_at).is_(None),
                )
            ).all()
        }  # fmt: skip
    return found
