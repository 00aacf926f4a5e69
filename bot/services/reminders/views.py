"""Everything a reminder message shows about its occurrences, gathered in one place.

The dispatcher (posting) and the button handlers (editing after a confirmation, snooze or
new evidence) both build the message from these views, so it always looks the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import bindparam
from sqlmodel import Session, col, func, select

from bot.catalog import Catalog
from bot.catalog.models import Confirm as ConfirmMode
from bot.services.reminders.confirmations import occurrences_of_message
from bot.store.models import (
    Confirmation,
    Enterprise,
    Evidence,
    Member,
    OccurrenceRow,
    ReminderRow,
)


@dataclass(frozen=True)
class ItemView:
    kind: str
    occurrence: OccurrenceRow
    confirmations: list[Confirmation]
    evidence: int = 0
    per_person: bool = False
    missing: list[Member] = field(default_factory=list)  # roster members yet to confirm


@dataclass
class Shown:
    """What the views of some occurrences need from the database, loaded once: their
    confirmations, their evidence counts and (for per-person duties) the rosters."""

    confirmations: dict[int, list[Confirmation]] = field(default_factory=dict)
    evidence: dict[int, int] = field(default_factory=dict)
    rosters: dict[int, list[Member]] = field(default_factory=dict)

    def views(self, catalog: Catalog, pairs: Sequence[tuple[str, OccurrenceRow]]) -> list[ItemView]:
        """Views of (reminder kind, occurrence) pairs whose occurrences were loaded here."""
        views = []
        for kind, occ in pairs:
            assert occ.id is not None
            done = self.confirmations.get(occ.id, [])
            missing: list[Member] = []
            per_person = _per_person(catalog, occ)
            if per_person:
                confirmed = {c.user_id for c in done}
                roster_ = self.rosters.get(occ.enterprise_id, [])
                missing = [m for m in roster_ if m.user_id not in confirmed]
            views.append(
                ItemView(kind, occ, done, self.evidence.get(occ.id, 0), per_person, missing)
            )
        return views


def _per_person(catalog: Catalog, occ: OccurrenceRow) -> bool:
    obligation = catalog.obligations.get(occ.obligation_id)
    return obligation is not None and obligation.confirm is ConfirmMode.EACH


def load_shown(session: Session, catalog: Catalog, occurrences: Iterable[OccurrenceRow]) -> Shown:
    """``Shown`` for any number of occurrences (a digest, or every digest of a dispatch wave)
    with at most three queries: confirmations, evidence counts, rosters."""
    occurrences = list(occurrences)
    ids = sorted({occ.id for occ in occurrences if occ.id is not None})
    shown = Shown()
    if not ids:
        return shown
    for start in range(0, len(ids), _CHUNK):  # a week's catch-up wave can hold many
        chunk = ids[start : start + _CHUNK]
        for c in session.exec(_CONFIRMATIONS, params={"ids": chunk}).all():
            shown.confirmations.setdefault(c.occurrence_id, []).append(c)
        shown.evidence.update(session.exec(_EVIDENCE, params={"ids": chunk}).all())
    rostered = sorted({o.enterprise_id for o in occurrences if _per_person(catalog, o)})
    if rostered:
        shown.rosters = {e: [] for e in rostered}
        for m in session.exec(_ROSTERS, params={"ids": rostered}).all():
            shown.rosters[m.enterprise_id].append(m)
    return shown


# Built once (each press and each wave runs them; building costs more than running on SQLite).
_CHUNK = 5000  # ids per IN list, far below SQLite's limit of bound parameters
_CONFIRMATIONS = (
    select(Confirmation)
    .where(col(Confirmation.occurrence_id).in_(bindparam("ids", expanding=True)))
    .order_by(col(Confirmation.confirmed_at), col(Confirmation.id))
)
_EVIDENCE = (
    select(Evidence.occurrence_id, func.count())
    .where(col(Evidence.occurrence_id).in_(bindparam("ids", expanding=True)))
    .group_by(col(Evidence.occurrence_id))
)
_ROSTERS = (
    select(Member)
    .where(col(Member.enterprise_id).in_(bindparam("ids", expanding=True)))
    .order_by(col(Member.joined_at), col(Member.id))
)
_MESSAGE = (
    select(ReminderRow.kind, ReminderRow.tidied_at, OccurrenceRow)
    .join(OccurrenceRow, col(OccurrenceRow.id) == col(ReminderRow.occurrence_id))
    .where(
        col(ReminderRow.enterprise_id) == bindparam("enterprise"),
        col(ReminderRow.message_id) == bindparam("message"),
    )
    .order_by(col(OccurrenceRow.due_at))
)


def item_views(
    session: Session, catalog: Catalog, pairs: Sequence[tuple[str, OccurrenceRow]]
) -> list[ItemView]:
    """Views of (reminder kind, occurrence) pairs with a fixed number of queries.

    A digest of ten items costs the same three queries as a single reminder: confirmations,
    evidence counts, and (only for per-person duties) the roster.
    """
    if not any(occ.id is not None for _, occ in pairs):
        return []
    return load_shown(session, catalog, [occ for _, occ in pairs]).views(catalog, pairs)


def views_for_message(
    session: Session,
    catalog: Catalog,
    enterprise: Enterprise,
    message_id: int,
    fallback: OccurrenceRow,
) -> list[ItemView]:
    """The items shown in a posted reminder message (or just ``fallback`` if it is not one)."""
    return message_views(session, catalog, enterprise, message_id, fallback).views


@dataclass(frozen=True)
class MessageViews:
    """A message whose button was pressed: what it shows and what became of it."""

    views: list[ItemView]
    posted: bool  # a reminder message the dispatcher posted (not an item of /due's list)
    tidied: bool  # a newer digest superseded it (a late press must not bring buttons back)


def message_views(
    session: Session,
    catalog: Catalog,
    enterprise: Enterprise,
    message_id: int,
    fallback: OccurrenceRow,
) -> MessageViews:
    """``views_for_message``, whether it was posted, and ``tidy.is_tidied``: one query for the
    message's rows, then the views' (``item_views``)."""
    assert enterprise.id is not None
    rows = session.exec(_MESSAGE, params={"enterprise": enterprise.id, "message": message_id}).all()
    shown = [(kind, occ) for kind, _, occ in rows]
    views = item_views(session, catalog, shown or [("due", fallback)])
    return MessageViews(views, bool(rows), any(tidied is not None for _, tidied, _ in rows))


def occurrence_ids_of_message(
    session: Session, *, enterprise_id: int, message_id: int
) -> list[int]:
    return [
        occ.id or 0
        for _, occ in occurrences_of_message(
            session, enterprise_id=enterprise_id, message_id=message_id
        )
    ]
