"""Everything a reminder message shows about its occurrences, gathered in one place.

The dispatcher (posting) and the button handlers (editing after a confirmation, snooze or
new evidence) both build the message from these views, so it always looks the same.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel import Session, col, func, select

from bot.catalog import Catalog
from bot.catalog.models import Confirm as ConfirmMode
from bot.services.reminders.confirmations import occurrences_of_message
from bot.services.roster import members as roster
from bot.store.models import Confirmation, Enterprise, Evidence, Member, OccurrenceRow


@dataclass(frozen=True)
class ItemView:
    kind: str
    occurrence: OccurrenceRow
    confirmations: list[Confirmation]
    evidence: int = 0
    per_person: bool = False
    missing: list[Member] = field(default_factory=list)  # roster members yet to confirm


def item_views(
    session: Session, catalog: Catalog, pairs: Sequence[tuple[str, OccurrenceRow]]
) -> list[ItemView]:
    """Views of (reminder kind, occurrence) pairs with a fixed number of queries.

    A digest of ten items costs the same three queries as a single reminder: confirmations,
    evidence counts, and (only for per-person duties) the roster.
    """
    ids = [occ.id for _, occ in pairs if occ.id is not None]
    if not ids:
        return []
    done_by: dict[int, list[Confirmation]] = defaultdict(list)
    for c in session.exec(
        select(Confirmation)
        .where(col(Confirmation.occurrence_id).in_(ids))
        .order_by(col(Confirmation.confirmed_at), col(Confirmation.id))
    ).all():
        done_by[c.occurrence_id].append(c)
    evidence: dict[int, int] = dict(
        session.exec(
            select(Evidence.occurrence_id, func.count())
            .where(col(Evidence.occurrence_id).in_(ids))
            .group_by(col(Evidence.occurrence_id))
        ).all()
    )
    rosters: dict[int, list[Member]] = {}
    views = []
    for kind, occ in pairs:
        assert occ.id is not None
        obligation = catalog.obligations.get(occ.obligation_id)
        per_person = obligation is not None and obligation.confirm is ConfirmMode.EACH
        missing: list[Member] = []
        if per_person:
            if occ.enterprise_id not in rosters:
                rosters[occ.enterprise_id] = roster.members(session, occ.enterprise_id)
            confirmed = {c.user_id for c in done_by[occ.id]}
            missing = [m for m in rosters[occ.enterprise_id] if m.user_id not in confirmed]
        views.append(
            ItemView(kind, occ, done_by[occ.id], evidence.get(occ.id, 0), per_person, missing)
        )
    return views


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
    return item_views(session, catalog, shown or [("due", fallback)])


def occurrence_ids_of_message(
    session: Session, *, enterprise_id: int, message_id: int
) -> list[int]:
    return [
        occ.id or 0
        for _, occ in occurrences_of_message(
            session, enterprise_id=enterprise_id, message_id=message_id
        )
    ]
