"""A group that muted the bot: hold its reminders with backoff, resume when it may write again.

A mute is not a removal. Telegram answers 400 "not enough rights to send …" when a group has
restricted the bot; the enterprise stays active (``/due``, ``/stats`` and the buttons keep
working), its due reminders are parked until ``mute_retry_at`` and tried again then, the wait
doubling after every refused try up to ``MUTE_RETRY_MAX_SECONDS``. Either a ``my_chat_member``
update that lets the bot write again or a try that gets through ends the mute; what was held
then goes out once, as a catch-up digest. The safety officer hears of each mute once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlmodel import Session, SQLModel

from bot.config import Settings
from bot.services.reminders import outbox
from bot.store.models import Enterprise, ReminderState

_E = SQLModel.metadata.tables["enterprise"]


@dataclass(frozen=True)
class Backoff:
    first: dt.timedelta
    cap: dt.timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> Backoff:
        return cls(
            dt.timedelta(seconds=settings.mute_retry_first_seconds),
            dt.timedelta(seconds=settings.mute_retry_max_seconds),
        )

    def wait(self, refused: int) -> dt.timedelta:
        """How long to hold after ``refused`` tries were refused since the mute began."""
        return min(self.first * (1 << min(refused, 30)), self.cap)


@dataclass(frozen=True)
class Mute:
    newly: bool  # this call started the mute: tell the officer
    retry_at: dt.datetime


def holding(enterprise: Enterprise, now: dt.datetime) -> bool:
    """Muted, and not yet time to try again: park its reminders without sending."""
    retry_at = enterprise.mute_retry_at
    return enterprise.muted_at is not None and retry_at is not None and retry_at > now


def mark_muted(
    session: Session, enterprise_id: int, *, now: dt.datetime, backoff: Backoff, refused: bool
) -> Mute:
    """Record a mute (from a refused send, ``refused=True``, or a ``my_chat_member`` update).

    Only the call that finds the enterprise unmuted starts the mute (``newly``), so the
    officer is told once even with several dispatchers; a refused try while muted doubles the
    wait.
    """
    e = _E.c
    first = now + backoff.wait(0)
    started = session.execute(
        update(_E)
        .where(e.id == enterprise_id, e.muted_at.is_(None))
        .values(muted_at=now, mute_retry_at=first, mute_attempts=0)
        .returning(e.id)
    ).first()
    if started is not None:
        session.commit()
        return Mute(True, first)
    if refused:
        attempts = session.execute(
            update(_E)
            .where(e.id == enterprise_id)
            .values(mute_attempts=e.mute_attempts + 1)
            .returning(e.mute_attempts)
        ).scalar_one()
        retry_at = now + backoff.wait(attempts)
        session.execute(update(_E).where(e.id == enterprise_id).values(mute_retry_at=retry_at))
    else:
        retry_at = session.execute(
            select(e.mute_retry_at).where(e.id == enterprise_id)
        ).scalar_one()
    session.commit()
    return Mute(False, retry_at or first)


def lift(session: Session, enterprise_id: int) -> int | None:
    """The bot may write again: end the mute, make the held reminders due at once.

    Returns how many reminders were held, or None when the enterprise was not muted.
    """
    e = _E.c
    ended = session.execute(
        update(_E)
        .where(e.id == enterprise_id, e.muted_at.is_not(None))
        .values(muted_at=None, mute_retry_at=None, mute_attempts=0)
        .returning(e.id)
    ).first()
    if ended is None:
        return None
    held = resume_held(session, enterprise_id)
    session.commit()
    return held


def resume_held(session: Session, enterprise_id: int) -> int:
    """The group lets the bot write again: rows held for the mute become due at once.

    Only parked rows (claimed by nobody); ``last_error`` stays ``muted`` so they go out as a
    catch-up digest. The caller commits.
    """
    c = outbox.REMINDERS.c
    resumed = session.execute(
        update(outbox.REMINDERS)
        .where(
            c.enterprise_id == enterprise_id,
            c.state == ReminderState.CLAIMED.value,
            c.claimed_by.is_(None),
            c.last_error == outbox.MUTED,
        )
        .values(state=ReminderState.PENDING.value, claimed_until=None, claim_token=None)
        .returning(c.id)
    ).all()
    return len(resumed)
