"""Claiming due reminders from the outbox atomically, and recording what became of them.

A claim takes whole chats: it picks up to n enterprises with due rows, then claims all their
due rows in one statement, ``UPDATE … WHERE id IN (SELECT … [FOR UPDATE SKIP LOCKED])
RETURNING id``. On PostgreSQL concurrent dispatchers skip each other's rows; SQLite
serializes writers, so the single statement is atomic there too. A claim carries a lease: a
dispatcher that dies mid-send leaves rows that another picks up after ``claimed_until``.

Every claim also writes a random ``claim_token`` (fencing): the heartbeat renews and the
records are written only ``WHERE claim_token = <this claim's>``. A dispatcher whose lease ran
out and whose rows another claimed cannot overwrite that claim's outcome; each call returns
the ids it did update, so the caller sees the rest as lost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import ColumnElement, Select, and_, case, func, select, update
from sqlmodel import Session, SQLModel

from bot.domain.reminder_kind import LEAD_SQL_PATTERN, SNOOZE_SQL_PATTERN, Family, ReminderKind
from bot.store.models import ReminderState

_R = REMINDERS = SQLModel.metadata.tables["reminder"]
RETRY_AFTER = "retry_after"  # last_error of rows parked until Telegram's flood wait is over
MUTED = "muted"  # last_error of rows held while the group has muted the bot
_CHUNK = 2000  # reminder ids per statement when recording many sends at once


def claim_due(
    session: Session,
    *,
    now: dt.datetime,
    worker: str,
    token: str,
    lease: dt.timedelta,
    limit: int,
) -> list[int]:
    """Claim every due reminder of up to ``limit`` chats (enterprises).

    By chat, so that a chat's items go out together as one digest however large the backlog;
    chats with something due or overdue come before chats with only lead-time news, then the
    oldest first.
    """
    c = _R.c
    claimable = claimable_at(now)
    # A certificate's reminder to one person (``recipient_id``) is claimed by its own sender
    # (``bot.services.people.reminders``), not with a group's digest.
    due = (c.fire_at <= now) & claimable & c.recipient_id.is_(None)
    only_lead = func.min(case((c.kind.like(LEAD_SQL_PATTERN), 1), else_=0))
    chats = [
        row[0]
        for row in session.execute(
            select(c.enterprise_id)
            .where(due)
            .group_by(c.enterprise_id)
            .order_by(only_lead, func.min(c.fire_at), c.enterprise_id)
            .limit(limit)
        )
    ]
    if not chats:
        session.commit()
        return []
    pick = select(c.id).where(due, c.enterprise_id.in_(chats))
    return claim_picked(session, pick, now=now, worker=worker, token=token, lease=lease)


def claimable_at(now: dt.datetime) -> ColumnElement[bool]:
    """Rows free to claim at ``now``: pending, or claimed under a lease that ran out."""
    c = _R.c
    return (c.state == ReminderState.PENDING.value) | (
        (c.state == ReminderState.CLAIMED.value) & (c.claimed_until < now)
    )


def claim_picked(
    session: Session,
    pick: Select[tuple[int]],
    *,
    now: dt.datetime,
    worker: str,
    token: str,
    lease: dt.timedelta,
) -> list[int]:
    """Claim the rows ``pick`` selects (their ids) in one statement under ``token``; commits.
    On PostgreSQL rows another dispatcher is claiming are skipped (SKIP LOCKED)."""
    c = _R.c
    if session.get_bind().dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    stmt = (
        update(_R)
        .where(c.id.in_(pick.scalar_subquery()))
        .values(
            state=ReminderState.CLAIMED.value,
            claimed_until=now + lease,
            claimed_by=worker,
            claim_token=token,
            attempts=c.attempts + 1,
        )
        .returning(c.id)
    )
    ids = [row[0] for row in session.execute(stmt)]
    session.commit()
    return ids


def _held(ids: Sequence[int], token: str) -> ColumnElement[bool]:
    c = _R.c
    return and_(c.id.in_(list(ids)), c.claim_token == token, c.state == ReminderState.CLAIMED.value)


def _finish(session: Session, ids: Sequence[int], token: str, **values: object) -> set[int]:
    """Update the rows this claim still holds; returns their ids (the others were lost)."""
    if not ids:
        return set()
    done = session.execute(update(_R).where(_held(ids, token)).values(**values).returning(_R.c.id))
    kept = {row[0] for row in done}
    session.commit()
    return kept


def renew(session: Session, ids: Sequence[int], *, token: str, until: dt.datetime) -> set[int]:
    """The heartbeat: extend the lease of the rows this claim still holds."""
    return _finish(session, ids, token, claimed_until=until)


def mark_sent(
    session: Session, ids: Sequence[int], *, token: str, now: dt.datetime, message_id: int
) -> set[int]:
    return mark_sent_many(session, [(ids, message_id)], token=token, now=now)


def mark_sent_many(
    session: Session, sends: Sequence[tuple[Sequence[int], int]], *, token: str, now: dt.datetime
) -> set[int]:
    """Record several posted messages (each: its reminder ids, its message id) in one
    statement and one commit, fenced by the claim's token like every record."""
    message_of = {rid: message_id for ids, message_id in sends for rid in ids}
    if not message_of:
        return set()
    kept: set[int] = set()
    ids = list(message_of)
    for start in range(0, len(ids), _CHUNK):  # bound parameters stay far below SQLite's limit
        chunk = ids[start : start + _CHUNK]
        messages = {message_of[rid] for rid in chunk}
        message_id = (
            messages.pop()
            if len(messages) == 1
            else case({rid: message_of[rid] for rid in chunk}, value=_R.c.id)
        )
        done = session.execute(
            update(_R)
            .where(_held(chunk, token))
            .values(
                state=ReminderState.SENT.value,
                sent_at=now,
                message_id=message_id,
                claimed_until=None,
            )
            .returning(_R.c.id)
        )
        kept.update(row[0] for row in done)
    session.commit()
    return kept


def mark(
    session: Session,
    ids: Sequence[int],
    *,
    token: str,
    state: ReminderState,
    error: str | None = None,
) -> set[int]:
    """Close claimed rows without sending (skipped, superseded, failed)."""
    return _finish(session, ids, token, state=state.value, claimed_until=None, last_error=error)


def release(
    session: Session,
    ids: Sequence[int],
    *,
    token: str,
    retry_at: dt.datetime | None = None,
    error: str | None = None,
) -> set[int]:
    """Give claimed rows back so they are sent later (after ``retry_at`` if given)."""
    if retry_at is None:
        return _finish(
            session,
            ids,
            token,
            state=ReminderState.PENDING.value,
            claimed_until=None,
            claimed_by=None,
            claim_token=None,
            last_error=error,
        )
    # Parked: still "claimed", by nobody, until retry_at; the lease expiry makes them
    # claimable again then. No worker's shutdown hands them back early.
    return _finish(
        session,
        ids,
        token,
        claimed_until=retry_at,
        claimed_by=None,
        claim_token=None,
        last_error=error,
    )


def record_failure(
    session: Session, ids: Sequence[int], *, token: str, error: str, cap: int
) -> dict[int, int]:
    """Count one more refused send; rows that reached ``cap`` fail, the others go back.

    Returns each counted row's failures so far (rows this claim lost are missing). One
    transaction, so no other dispatcher sees the rows in between.
    """
    if not ids:
        return {}
    c = _R.c
    counted = session.execute(
        update(_R)
        .where(_held(ids, token))
        .values(failures=c.failures + 1, last_error=error[:200])
        .returning(c.id, c.failures)
    ).all()
    failed = {rid for rid, failures in counted if failures >= cap}
    retry = {rid for rid, failures in counted if failures < cap}
    closed = {"claimed_until": None, "claimed_by": None, "claim_token": None}
    if failed:
        session.execute(
            update(_R).where(c.id.in_(failed)).values(state=ReminderState.FAILED.value, **closed)
        )
    if retry:
        session.execute(
            update(_R).where(c.id.in_(retry)).values(state=ReminderState.PENDING.value, **closed)
        )
    session.commit()
    return {rid: failures for rid, failures in counted}


def release_worker(session: Session, worker: str) -> int:
    """On shutdown: hand this worker's claims back so other instances need not wait for the lease.

    Parked rows (a flood wait, a mute) belong to no worker and keep their ``claimed_until``;
    so do rows an older version parked under its name, which only lose the owner. Every other
    claim becomes pending at once.
    """
    c = _R.c
    mine = (c.claimed_by == worker) & (c.state == ReminderState.CLAIMED.value)
    parked = c.last_error.in_([RETRY_AFTER, MUTED])
    released = session.execute(
        update(_R)
        .where(mine, (c.last_error.is_(None)) | ~parked)
        .values(
            state=ReminderState.PENDING.value,
            claimed_until=None,
            claimed_by=None,
            claim_token=None,
        )
        .returning(c.id)
    ).all()
    session.execute(update(_R).where(mine, parked).values(claimed_by=None, claim_token=None))
    session.commit()
    return len(released)


def add_snooze(
    session: Session, *, occurrence_id: int, enterprise_id: int, fire_at: dt.datetime
) -> str:
    """A one-off reminder for the occurrence at ``fire_at``; kinds snooze-1, snooze-2, … stay unique."""
    c = _R.c
    taken = session.execute(
        select(c.kind).where(c.occurrence_id == occurrence_id, c.kind.like(SNOOZE_SQL_PATTERN))
    ).all()
    kind = str(ReminderKind(Family.SNOOZE, len(taken) + 1))
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
