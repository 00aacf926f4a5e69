"""The channel outbox: one row per message for one robot, claimed, sent and recorded.

Written when the dispatcher hands reminders over (``bot.services.channels.handover``),
claimed like the reminders' outbox (``bot.services.reminders.outbox``): one statement,
``UPDATE … WHERE id IN (SELECT … [FOR UPDATE SKIP LOCKED]) RETURNING id``, with a lease
(``claimed_until``) so another process takes over from one that died, and a random
``claim_token`` that fences every record (a process whose lease ran out cannot overwrite the
new claim's outcome). Only messages of active robots that are not throttled are claimed.

Nothing is lost on the way: a message that may not go yet (the robot's pace, a throttled
robot, the network) goes back to ``pending`` with a later ``fire_at``; a robot that is broken
(invalid key, removed) is disabled and its messages stay ``pending`` for when it is fixed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, exists, func, select, update
from sqlmodel import Session, col
from sqlmodel import select as select_rows

from bot.store.channel_models import Channel, ChannelMessage

PENDING, CLAIMED, SENT, FAILED = "pending", "claimed", "sent", "failed"
_M = ChannelMessage.__table__  # type: ignore[attr-defined]
_C = Channel.__table__  # type: ignore[attr-defined]


def claim_due(
    session: Session, *, now: dt.datetime, token: str, lease: dt.timedelta, limit: int
) -> list[int]:
    """Claim up to ``limit`` due messages of active, unthrottled robots, oldest first."""
    m, c = _M.c, _C.c
    claimable = (m.state == PENDING) | ((m.state == CLAIMED) & (m.claimed_until < now))
    robot_ready = exists().where(
        c.id == m.channel_id,
        c.active.is_(True),
        (c.throttled_until.is_(None)) | (c.throttled_until <= now),
    )
    pick = (
        select(m.id)
        .where(m.fire_at <= now, claimable, robot_ready)
        .order_by(m.fire_at, m.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    ids = [
        row[0]
        for row in session.execute(
            update(_M)
            .where(m.id.in_(pick.scalar_subquery()))
            .values(
                state=CLAIMED,
                claimed_until=now + lease,
                claim_token=token,
                attempts=m.attempts + 1,
            )
            .returning(m.id)
        )
    ]
    session.commit()
    return sorted(ids)


def load_claimed(
    session: Session, ids: Sequence[int], *, token: str
) -> list[tuple[ChannelMessage, Channel]]:
    """The claimed messages (still held by ``token``) with their robots, in claim order."""
    if not ids:
        return []
    rows = session.exec(
        select_rows(ChannelMessage, Channel)
        .join(Channel, col(Channel.id) == col(ChannelMessage.channel_id))
        .where(
            col(ChannelMessage.id).in_(list(ids)),
            col(ChannelMessage.claim_token) == token,
            col(ChannelMessage.state) == CLAIMED,
        )
        .order_by(col(ChannelMessage.fire_at), col(ChannelMessage.id))
    ).all()
    return [(message, channel) for message, channel in rows]


def recent_posts(
    session: Session, channel_ids: Sequence[int], *, since: dt.datetime
) -> dict[int, list[dt.datetime]]:
    """When each robot posted since ``since`` (by any process): the pace's starting window."""
    found: dict[int, list[dt.datetime]] = {cid: [] for cid in channel_ids}
    if not channel_ids:
        return found
    m = _M.c
    for channel_id, sent_at in session.execute(
        select(m.channel_id, m.sent_at).where(
            m.channel_id.in_(list(channel_ids)), m.state == SENT, m.sent_at > since
        )
    ):
        found[channel_id].append(sent_at)
    return found


def _held(ids: Sequence[int], token: str) -> ColumnElement[bool]:
    m = _M.c
    return and_(m.id.in_(list(ids)), m.claim_token == token, m.state == CLAIMED)


def _finish(session: Session, ids: Sequence[int], token: str, **values: object) -> set[int]:
    if not ids:
        return set()
    done = session.execute(update(_M).where(_held(ids, token)).values(**values).returning(_M.c.id))
    kept = {row[0] for row in done}
    session.commit()
    return kept


def mark_sent(session: Session, message_id: int, *, token: str, now: dt.datetime) -> bool:
    kept = _finish(
        session, [message_id], token, state=SENT, sent_at=now, claimed_until=None, last_error=None
    )
    return bool(kept)


def mark_failed(session: Session, message_id: int, *, token: str, error: str) -> bool:
    kept = _finish(
        session, [message_id], token, state=FAILED, claimed_until=None, last_error=error[:200]
    )
    return bool(kept)


def put_back(
    session: Session,
    ids: Sequence[int],
    *,
    token: str,
    error: str,
    fire_at: dt.datetime | None = None,
    attempted: bool = False,
) -> set[int]:
    """Give claimed messages back, due again at ``fire_at`` (unchanged if None). Unless they
    were ``attempted`` (the network failed them), the claim does not count as an attempt."""
    values: dict[str, object] = {
        "state": PENDING,
        "claimed_until": None,
        "claim_token": None,
        "last_error": error[:200],
    }
    if fire_at is not None:
        values["fire_at"] = fire_at
    if not attempted:
        values["attempts"] = _M.c.attempts - 1
    return _finish(session, ids, token, **values)


def throttle(session: Session, channel_id: int, *, until: dt.datetime) -> None:
    """The robot may not post before ``until`` (its messages are not claimed until then)."""
    session.execute(update(_C).where(_C.c.id == channel_id).values(throttled_until=until))
    session.commit()


def disable(session: Session, channel_id: int, *, reason: str) -> bool:
    """Stop posting to a broken robot; True if it was active (so its officer is told once)."""
    c = _C.c
    changed = session.execute(
        update(_C)
        .where(c.id == channel_id, c.active.is_(True))
        .values(active=False, disabled_reason=reason[:60])
        .returning(c.id)
    ).first()
    session.commit()
    return changed is not None


def next_due(session: Session, *, after: dt.datetime) -> dt.datetime | None:
    """When the next pending message of an active robot falls due after ``after``."""
    m, c = _M.c, _C.c
    active = exists().where(c.id == m.channel_id, c.active.is_(True))
    when = session.execute(
        select(func.min(m.fire_at)).where(m.state == PENDING, m.fire_at > after, active)
    ).scalar()
    return when if isinstance(when, dt.datetime) else None
