"""Reminder messages a newer digest supersedes: which to tidy, and recording that they were.

A digest is the group's one current list. Once it is posted, every earlier reminder message
of the enterprise is edited (``bot.telegram.reminders.notifier``): its buttons go and it says
where each item stands. ``reminder.tidied_at`` records that, so each message is tidied once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.store.models import OccurrenceRow, ReminderRow, ReminderState

TIDY_WITHIN = dt.timedelta(days=14)  # older messages have scrolled away: left as they are
TIDY_AT_MOST = 20  # per digest, newest first (a group back after a long mute)


def stale_messages(
    session: Session, enterprise_id: int, *, keep: int, now: dt.datetime
) -> list[int]:
    """Recent reminder messages of the enterprise not yet tidied, but ``keep`` (the new digest)."""
    rows = session.exec(
        select(ReminderRow.message_id)
        .where(
            ReminderRow.enterprise_id == enterprise_id,
            ReminderRow.state == ReminderState.SENT.value,
            col(ReminderRow.tidied_at).is_(None),
            col(ReminderRow.message_id).is_not(None),
            ReminderRow.message_id != keep,
            col(ReminderRow.sent_at) >= now - TIDY_WITHIN,
        )
        .distinct()
    ).all()
    return sorted((m for m in rows if m is not None), reverse=True)[:TIDY_AT_MOST]


@dataclass(frozen=True)
class StaleMessage:
    """An earlier reminder message to tidy and the (reminder kind, occurrence) pairs it shows."""

    message_id: int
    shown: list[tuple[str, OccurrenceRow]]


def stale_of(
    session: Session, enterprise_ids: Iterable[int], *, now: dt.datetime
) -> dict[int, list[StaleMessage]]:
    """``stale_messages`` with what each shows (``occurrences_of_message``), for the
    enterprises of a whole dispatch wave in one query, before their new digests are posted."""
    ids = sorted(set(enterprise_ids))
    if not ids:
        return {}
    rows = session.exec(
        select(ReminderRow.enterprise_id, ReminderRow.message_id, ReminderRow.kind, OccurrenceRow)
        .join(OccurrenceRow, col(OccurrenceRow.id) == col(ReminderRow.occurrence_id))
        .where(
            col(ReminderRow.enterprise_id).in_(ids),
            ReminderRow.state == ReminderState.SENT.value,
            col(ReminderRow.tidied_at).is_(None),
            col(ReminderRow.message_id).is_not(None),
            col(ReminderRow.sent_at) >= now - TIDY_WITHIN,
        )
        .order_by(col(OccurrenceRow.due_at))
    ).all()
    by_message: dict[int, dict[int, list[tuple[str, OccurrenceRow]]]] = {}
    for enterprise_id, message_id, kind, occ in rows:
        assert message_id is not None
        by_message.setdefault(enterprise_id, {}).setdefault(message_id, []).append((kind, occ))
    return {
        enterprise_id: [
            StaleMessage(m, messages[m]) for m in sorted(messages, reverse=True)[:TIDY_AT_MOST]
        ]
        for enterprise_id, messages in by_message.items()
    }


def mark_tidied(
    session: Session, enterprise_id: int, message_ids: list[int], *, now: dt.datetime
) -> None:
    if not message_ids:
        return
    session.execute(
        update(ReminderRow)
        .where(
            col(ReminderRow.enterprise_id) == enterprise_id,
            col(ReminderRow.message_id).in_(message_ids),
        )
        .values(tidied_at=now)
    )
    session.commit()


def is_tidied(session: Session, enterprise_id: int, message_id: int) -> bool:
    """Whether a newer digest superseded this message (a late press must not bring buttons back)."""
    return (
        session.exec(
            select(ReminderRow.id).where(
                ReminderRow.enterprise_id == enterprise_id,
                ReminderRow.message_id == message_id,
                col(ReminderRow.tidied_at).is_not(None),
            )
        ).first()
        is not None
    )
