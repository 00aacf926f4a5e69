"""Reminders that will be sent, with their fire times (``safetybot upcoming``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from bot.store.models import Enterprise, OccurrenceRow, ReminderRow, ReminderState


@dataclass(frozen=True)
class UpcomingReminder:
    chat_id: int
    enterprise: str
    obligation_id: str
    occurrence_key: str
    kind: str
    fire_at: dt.datetime
    due: dt.datetime
    timezone: str  # the enterprise's: where ``fire_at`` is shown as local time


def upcoming(
    session: Session, *, now: dt.datetime, days: int, chat_id: int | None = None
) -> list[UpcomingReminder]:
    """Pending reminders of active enterprises firing within ``days`` (overdue ones included)."""
    stmt = (
        select(ReminderRow, OccurrenceRow, Enterprise)
        .join(OccurrenceRow, col(OccurrenceRow.id) == col(ReminderRow.occurrence_id))
        .join(Enterprise, col(Enterprise.id) == col(ReminderRow.enterprise_id))
        .where(
            col(ReminderRow.state).in_([ReminderState.PENDING.value, ReminderState.CLAIMED.value]),
            col(ReminderRow.fire_at) <= now + dt.timedelta(days=days),
            col(Enterprise.active).is_(True),
        )
        .order_by(col(ReminderRow.fire_at), col(ReminderRow.id))
    )
    if chat_id is not None:
        stmt = stmt.where(Enterprise.chat_id == chat_id)
    return [
        UpcomingReminder(
            e.chat_id, e.name, o.obligation_id, o.key, r.kind, r.fire_at, o.due_at, e.timezone
        )
        for r, o, e in session.exec(stmt).all()
    ]
