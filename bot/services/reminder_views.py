"""Everything a reminder message shows about its occurrences, gathered in one place.

The dispatcher (posting) and the button handlers (editing after a confirmation, snooze or
new evidence) both build the message from these views, so it always looks the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, col, func, select

from bot.catalog import Catalog
from bot.catalog.models import Confirm as ConfirmMode
from bot.services import roster
from bot.services.confirmations import confirmers, occurrences_of_message
from bot.store.models import Confirmation, Enterprise, Evidence, Member, OccurrenceRow


@dataclass(frozen=True)
class ItemView:
    kind: str
    occurrence: OccurrenceRow
    confirmations: list[Confirmation]
    evidence: int = 0
    per_person: bool = False
    missing: list[Member] = field(default_factory=list)  # roster members yet to confirm


def _evidence_count(session: Session, occurrence_id: int) -> int:
    return session.exec(select(func.count()).where(Evidence.occurrence_id == occurrence_id)).one()


def item_view(session: Session, catalog: Catalog, kind: str, occ: OccurrenceRow) -> ItemView:
    assert occ.id is not None
    obligation = catalog.obligations.get(occ.obligation_id)
    per_person = obligation is not None and obligation.confirm is ConfirmMode.EACH
    done_by = confirmers(session, occ.id)
    missing: list[Member] = []
    if per_person:
        confirmed = {c.user_id for c in done_by}
        missing = [
            m for m in roster.members(session, occ.enterprise_id) if m.user_id not in confirmed
        ]
    return ItemView(kind, occ, done_by, _evidence_count(session, occ.id), per_person, missing)


def views_for_message(
    session: Session,
    catalog: Catalog,
    enterprise: Enterprise,
    message_id: int,
    fallback: OccurrenceRow,
) -> list[ItemView]:
    """The items shown in a posted reminder message (or just ``fallback`` if it is not one)."""
    assert enterprise.id is not None
    shown = occurrences_of_message(session, enterprise_id=enterprise.id, message_id=message_id)
    pairs = shown or [("due", fallback)]
    return [item_view(session, catalog, kind, occ) for kind, occ in pairs]


def occurrence_ids_of_message(
    session: Session, *, enterprise_id: int, message_id: int
) -> list[int]:
    return [
        occ.id or 0
        for _, occ in occurrences_of_message(
            session, enterprise_id=enterprise_id, message_id=message_id
        )
    ]


def open_occurrences(
    session: Session, enterprise_id: int, *, limit: int = 20
) -> list[OccurrenceRow]:
    """Open occurrences whose window has started, soonest due first (``/due``)."""
    return list(
        session.exec(
            select(OccurrenceRow)
            .where(OccurrenceRow.enterprise_id == enterprise_id, OccurrenceRow.status == "open")
            .order_by(col(OccurrenceRow.due_at))
            .limit(limit)
        ).all()
    )
