"""What the outbox looks like right now, for /metrics and /healthz.

The numbers describe the shared database, so every instance reports the same pending count
and lag; a scrape of any one instance is enough to see whether reminders are falling behind.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from bot.services.reminders.outbox import MUTED
from bot.store.models import ReminderState

_R = SQLModel.metadata.tables["reminder"]
_OPEN = (ReminderState.PENDING.value, ReminderState.CLAIMED.value)


@dataclass(frozen=True)
class OutboxStats:
    pending: int  # not sent yet, whenever they fire (pending or claimed)
    due: int  # of those, the ones whose fire time has come
    lag_seconds: float  # now - oldest due fire time; 0 when nothing is due

    @classmethod
    def empty(cls) -> OutboxStats:
        return cls(0, 0, 0.0)


def outbox_stats(session: Session, *, now: dt.datetime) -> OutboxStats:
    c = _R.c
    pending = session.execute(select(func.count()).where(c.state.in_(_OPEN))).scalar_one()
    # Held for a group that muted the bot: waiting on the group, not late (no lag alert).
    held = (
        (func.coalesce(c.last_error, "") == MUTED)
        & (c.state == ReminderState.CLAIMED.value)
        & (c.claimed_until > now)
    )
    due, oldest = session.execute(
        select(func.count(), func.min(c.fire_at)).where(c.state.in_(_OPEN), c.fire_at <= now, ~held)
    ).one()
    lag = 0.0 if oldest is None else max(0.0, (now - oldest).total_seconds())
    return OutboxStats(int(pending), int(due), lag)


def database_answers(engine: Engine) -> bool:
    """``SELECT 1`` succeeds (the connection pool may hand out a fresh connection for it)."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:  # any driver error means "not reachable" to a health check
        return False
    return True
