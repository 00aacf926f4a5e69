"""Confirming an occurrence: who, when; idempotent per person and slot.

A button press names an occurrence id; it is honoured only when that occurrence belongs to
the enterprise of the chat the press came from, so a forged or replayed press from another
chat changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel, col, func, select

from bot.catalog import Catalog
from bot.catalog.models import Confirm as ConfirmMode
from bot.catalog.models import Kind, Trigger
from bot.errors import NothingToUndo, NotYetOpen, StaleButton, UndoTooLate
from bot.services.roster import members as roster
from bot.store.models import Confirmation, Enterprise, OccurrenceRow, OccurrenceStatus, ReminderRow


@dataclass(frozen=True)
class ConfirmResult:
    occurrence: OccurrenceRow
    created: bool
    count: int  # confirmations counted towards the quota
    done: bool
    enterprise: Enterprise | None = None  # whose occurrence it is (loaded with it)


def occurrence_for_chat(
    session: Session, *, occurrence_id: int, chat_id: int
) -> tuple[Enterprise, OccurrenceRow]:
    """The occurrence, if it belongs to the active enterprise of ``chat_id``; else StaleButton."""
    row = session.exec(
        select(Enterprise, OccurrenceRow)
        .join(OccurrenceRow, col(OccurrenceRow.enterprise_id) == col(Enterprise.id))
        .where(OccurrenceRow.id == occurrence_id, Enterprise.chat_id == chat_id)
    ).first()
    if row is None or not row[0].active:
        raise StaleButton()
    return row[0], row[1]


# Built once: a button press runs these every time (building a statement costs more than
# running it on SQLite).
_COUNT = select(func.count()).where(col(Confirmation.occurrence_id) == bindparam("occ"))
_PRESSED = (
    select(
        Enterprise,
        OccurrenceRow,
        select(func.count())
        .where(col(Confirmation.occurrence_id) == col(OccurrenceRow.id))
        .scalar_subquery(),
    )
    .join(OccurrenceRow, col(OccurrenceRow.enterprise_id) == col(Enterprise.id))
    .where(col(OccurrenceRow.id) == bindparam("occ"), col(Enterprise.chat_id) == bindparam("chat"))
)


def count_for(session: Session, occurrence_id: int) -> int:
    return session.exec(_COUNT, params={"occ": occurrence_id}).one()


def is_complete(
    session: Session, occ: OccurrenceRow, *, per_person: bool, count: int | None = None
) -> bool:
    """Whether the confirmations close the occurrence: the one rule for confirm and undo.

    The quota closes it; a per-person duty needs everyone on the roster as well (at least the
    quota), so it stays open while anyone rostered has not confirmed. ``count``: the
    confirmations, if the caller has just counted them.
    """
    assert occ.id is not None
    required = occ.quota
    if per_person:
        required = max(required, len(roster.members(session, occ.enterprise_id)))
    return (count_for(session, occ.id) if count is None else count) >= required


def _pressed(
    session: Session, *, occurrence_id: int, chat_id: int
) -> tuple[Enterprise, OccurrenceRow, int]:
    """``occurrence_for_chat`` and how many confirmations the occurrence has, in one query."""
    row = session.exec(_PRESSED, params={"occ": occurrence_id, "chat": chat_id}).first()
    if row is None or not row[0].active:
        raise StaleButton()
    return row[0], row[1], row[2]


def confirm(
    session: Session,
    *,
    occurrence_id: int,
    chat_id: int,
    user_id: int,
    user_name: str,
    now: dt.datetime,
    per_person: bool = False,
    catalog: Catalog | None = None,
    channel: str = "telegram",
) -> ConfirmResult:
    """Record that ``user_id`` did the occurrence now. A repeated press records nothing new.

    ``per_person``: everyone on the roster confirms for themselves (the confirming person joins
    it); the occurrence is done when all of them have. Otherwise the quota closes it. Given a
    ``catalog``, the occurrence's obligation decides (``obligation_per_person``). ``channel``:
    where the confirmation came from (``telegram``, or a robot's confirmation page).

    A repeated press on a done duty costs one query and writes nothing.
    """
    enterprise, occ, count = _pressed(session, occurrence_id=occurrence_id, chat_id=chat_id)
    if catalog is not None:
        per_person = obligation_per_person(catalog, occ)
    local_today = now.astimezone(ZoneInfo(enterprise.timezone)).date()
    if local_today < occ.window_start:
        raise NotYetOpen(window_start=occ.window_start)
    slot = local_today.toordinal() if occ.quota > 1 else 0
    assert occ.id is not None and enterprise.id is not None
    created = False
    if per_person:
        roster.join(
            session,
            enterprise_id=enterprise.id,
            user_id=user_id,
            name=user_name,
            username=None,
            now=now,
        )
    if occ.status != OccurrenceStatus.DONE.value or occ.quota > 1:
        created = _insert_confirmation(
            session,
            {
                "occurrence_id": occ.id,
                "enterprise_id": enterprise.id,
                "user_id": user_id,
                "user_name": user_name[:120],
                "slot": slot,
                "confirmed_at": now,
                "channel": channel,
            },
        )
    if created:
        count = count_for(session, occ.id)
    if occ.status != OccurrenceStatus.DONE.value and is_complete(
        session, occ, per_person=per_person, count=count
    ):
        occ.status = OccurrenceStatus.DONE.value
        occ.done_at = now
        session.add(occ)
    session.commit()
    return ConfirmResult(occ, created, count, occ.status == OccurrenceStatus.DONE.value, enterprise)


def _insert_confirmation(session: Session, values: dict[str, object]) -> bool:
    """Insert unless the same person already confirmed this slot; True if inserted."""
    stmt = _INSERT[session.get_bind().dialect.name == "postgresql"]
    return session.execute(stmt, values).first() is not None


_TABLE = SQLModel.metadata.tables["confirmation"]
_INSERT = {
    pg: module.insert(_TABLE).on_conflict_do_nothing().returning(_TABLE.c.id)
    for pg, module in ((True, postgresql), (False, sqlite))
}


def confirmers(session: Session, occurrence_id: int) -> list[Confirmation]:
    return list(
        session.exec(
            select(Confirmation)
            .where(Confirmation.occurrence_id == occurrence_id)
            .order_by(col(Confirmation.confirmed_at))
        ).all()
    )


def occurrences_of_message(
    session: Session, *, enterprise_id: int, message_id: int
) -> list[tuple[str, OccurrenceRow]]:
    """The (reminder kind, occurrence) pairs shown in one posted reminder message."""
    rows = session.exec(
        select(ReminderRow.kind, OccurrenceRow)
        .join(OccurrenceRow, col(OccurrenceRow.id) == col(ReminderRow.occurrence_id))
        .where(ReminderRow.enterprise_id == enterprise_id, ReminderRow.message_id == message_id)
        .order_by(col(OccurrenceRow.due_at))
    ).all()
    return [(kind, occ) for kind, occ in rows]


def undo(
    session: Session,
    *,
    occurrence_id: int,
    chat_id: int,
    user_id: int,
    is_admin: bool,
    now: dt.datetime,
    window: dt.timedelta,
    per_person: bool,
) -> OccurrenceRow:
    """Take back the latest confirmation of ``user_id`` (or, for an admin, anyone's) within ``window``.

    The occurrence reopens when what is left no longer completes it (``is_complete``).
    """
    _, occ = occurrence_for_chat(session, occurrence_id=occurrence_id, chat_id=chat_id)
    stmt = select(Confirmation).where(Confirmation.occurrence_id == occurrence_id)
    if not is_admin:
        stmt = stmt.where(Confirmation.user_id == user_id)
    latest = session.exec(
        stmt.order_by(col(Confirmation.confirmed_at).desc(), col(Confirmation.id).desc())
    ).first()
    if latest is None:
        raise NothingToUndo()
    if now - latest.confirmed_at > window:
        raise UndoTooLate(minutes=int(window.total_seconds() // 60))
    session.delete(latest)
    session.flush()
    if occ.status == OccurrenceStatus.DONE.value and not is_complete(
        session, occ, per_person=per_person
    ):
        occ.status = OccurrenceStatus.OPEN.value
        occ.done_at = None
        session.add(occ)
    session.commit()
    return occ


def is_per_person(session: Session, catalog: Catalog, occurrence_id: int) -> bool:
    """Whether every rostered person confirms this occurrence for themselves."""
    occ = session.get(OccurrenceRow, occurrence_id)
    return occ is not None and obligation_per_person(catalog, occ)


def obligation_per_person(catalog: Catalog, occ: OccurrenceRow) -> bool:
    """``is_per_person`` for a loaded occurrence."""
    obligation = catalog.obligations.get(occ.obligation_id)
    return obligation is not None and obligation.confirm is ConfirmMode.EACH


@dataclass(frozen=True)
class FollowUp:
    """What a completed confirmation leads to: ask for evidence, offer the 逢查必考 check."""

    ask_evidence: bool
    offer_check: bool


def follow_up(
    catalog: Catalog, enterprise: Enterprise, result: ConfirmResult, *, has_evidence: bool
) -> FollowUp:
    """A duty that expects evidence asks for it unless some was given. An inspection (the
    catalog's ``on_confirm: inspection``) comes with a knowledge check of the frontline staff
    where the enterprise's lists ask for one (逢查必考: a duty triggered by inspections)."""
    obligation = catalog.obligations.get(result.occurrence.obligation_id)
    if not result.done or obligation is None:
        return FollowUp(ask_evidence=False, offer_check=False)
    return FollowUp(
        ask_evidence=bool(obligation.evidence)
        and obligation.kind is Kind.DUTY
        and not has_evidence,
        offer_check=obligation.on_confirm is Trigger.INSPECTION
        and _checks_follow_inspections(catalog, enterprise),
    )


def _checks_follow_inspections(catalog: Catalog, enterprise: Enterprise) -> bool:
    sector, risk = enterprise.sector, enterprise.high_risk
    return any(
        o.schedule_for(sector, risk).trigger is Trigger.INSPECTION
        for o in catalog.for_enterprise(sector, risk, enterprise.region)
    )
