"""Claiming due reminders from the outbox atomically, and recording what became of them.

One statement claims a batch: ``UPDATE … WHERE id IN (SELECT … [FOR UPDATE SKIP LOCKED]
LIMIT n) RETURNING id``. On PostgreSQL concurrent dispatchers skip each other's rows; SQLite
serializes writers, so the single statement is atomic there too. A claim carries a lease: a
dispatcher that dies mid-send leaves rows that another picks up after ``claimed_until``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import case, select, update
from sqlmodel import Session, SQLModel

from bot.store.models import ReminderState

_R = SQLModel.metadata.tables["reminder"]


def claim_due(
    session: Session, *, now: dt.datetime, worker: str, lease: dt.timedelta, limit: int
) -> list[int]:
    """Claim up to ``limit`` due reminders: due/overdue before lead-time ones, oldest first."""
    c = _R.c
    claimable = (c.state == ReminderState.PENDING.value) | (
        (c.state == ReminderState.CLAIMED.value) & (c.claimed_until < now)
    )
    lead_last = case((c.kind.like("lead-%"), 1), else_=0)
    pick = (
        select(c.id)
        .where(c.fire_at <= now, claimable)
        .order_by(lead_last, c.fire_at, c.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    stmt = (
        update(_R)
        .where(c.id.in_(pick.scalar_subquery()))
        .values(
            state=ReminderState.CLAIMED.value,
            claimed_until=now + lease,
            claimed_by=worker,
            attempts=c.attempts + 1,
        )
        .returning(c.id)
    )
    ids = [row[0] for row in session.execute(stmt)]
    session.commit()
    return ids


def _finish(session: Session, ids: Sequence[int], worker: str, **values: object) -> None:
    if not ids:
        return
    c = _R.c
    session.execute(
        update(_R)
        .where(c.id.in_(list(ids)), c.claimed_by == worker, c.state == ReminderState.CLAIMED.value)
        .values(**values)
    )
    session.commit()


def mark_sent(
    session: Session, ids: Sequence[int], *, worker: str, now: dt.datetime, message_id: int
) -> None:
    _finish(
        session,
        ids,
        worker,
        state=ReminderState.SENT.value,
        sent_at=now,
        message_id=message_id,
        claimed_until=None,
    )


def mark(
    session: Session,
    ids: Sequence[int],
    *,
    worker: str,
    state: ReminderState,
    error: str | None = None,
) -> None:
    """Close claimed rows without sending (skipped, superseded, failed)."""
    _finish(session, ids, worker, state=state.value, claimed_until=None, last_error=error)


def release(
    session: Session,
    ids: Sequence[int],
    *,
    worker: str,
    retry_at: dt.datetime | None = None,
    error: str | None = None,
) -> None:
    """Give claimed rows back so they are sent later (after ``retry_at`` if given)."""
    if retry_at is None:
        _finish(
            session,
            ids,
            worker,
            state=ReminderState.PENDING.value,
            claimed_until=None,
            last_error=error,
        )
    else:
        # Keep the claim until retry_at: the lease expiry makes them claimable again then.
        _finish(session, ids, worker, claimed_until=retry_at, last_error=error)


RETRY_AFTER = "retry_after"  # last_error of rows parked until Telegram's flood wait is over


def release_worker(session: Session, worker: str) -> int:
    """On shutdown: hand this worker's claims back so other instances need not wait for the lease.

    Rows parked after a flood wait keep their ``claimed_until`` (any worker may take them once
    it passes) and only lose the owner; every other claim becomes pending at once.
    """
    c = _R.c
    mine = (c.claimed_by == worker) & (c.state == ReminderState.CLAIMED.value)
    parked = c.last_error == RETRY_AFTER
    released = session.execute(
        update(_R)
        .where(mine, (c.last_error.is_(None)) | ~parked)
        .values(state=ReminderState.PENDING.value, claimed_until=None, claimed_by=None)
        .returning(c.id)
    ).all()
    session.execute(update(_R).where(mine, parked).values(claimed_by=None))
    session.commit()
    return len(released)



def add_snooze(
    session: Session, *, occurrence_id: int, enterprise_id: int, fire_at: dt.datetime
) -> str:
    """A one-off reminder for the occurrence at ``fire_at``; kinds snooze-1, snooze-2, … stay unique."""
    c = _R.c
    taken = session.execute(
        select(c.kind).where(c.occurrence_id == occurrence_id, c.kind.like("snooze-%"))
    ).all()
    kind = f"snooze-{len(taken) + 1}"
    session.execute(
        _R.insert().values(
            occurrence_id=occurrence_id,
            enterprise_id=enterprise_id,
            kind=kind,
            fire_at=fire_at,
            state=ReminderState.PENDING.value,
            attempts=0,
        )
    )
    session.commit()
    return kind
