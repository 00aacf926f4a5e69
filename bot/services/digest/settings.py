"""Changing when and where an enterprise's digest goes out.

A new time or working pattern re-times the reminders not yet sent: the pending routine ones
are dropped and written again at the new digest moments (the same occurrences and kinds, so
nothing is lost and nothing is sent twice; snoozes keep the moment someone asked for).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import delete
from sqlmodel import Session, col, select

from bot.catalog import Catalog
from bot.domain.digest import DigestMode
from bot.domain.recurrence import EVENT_LABEL_PREFIX
from bot.domain.reminder_kind import SNOOZE_SQL_PATTERN
from bot.domain.workcalendar import WorkCalendar
from bot.services.reminders.materialize import digest_schedule, materialize
from bot.store.models import Enterprise, OccurrenceRow, ReminderRow, ReminderState


def retime_pending(session: Session, enterprise: Enterprise, *, now: dt.datetime) -> None:
    """Drop the pending routine reminders not yet due; the next materialization re-times them.

    Reminders of an event's duties stay: the calendar cannot write them again (they are
    re-timed only by being left as they are, at the moments planned when the event was logged).

    The caller commits (and materializes, or leaves it to the next tick).
    """
    from_events = select(OccurrenceRow.id).where(
        col(OccurrenceRow.enterprise_id) == enterprise.id,
        col(OccurrenceRow.label).like(f"{EVENT_LABEL_PREFIX}%"),
    )
    session.execute(
        delete(ReminderRow).where(
            col(ReminderRow.enterprise_id) == enterprise.id,
            col(ReminderRow.state) == ReminderState.PENDING.value,
            col(ReminderRow.fire_at) > now,
            col(ReminderRow.kind).not_like(SNOOZE_SQL_PATTERN),
            col(ReminderRow.occurrence_id).not_in(from_events),
            col(ReminderRow.certificate_id).is_(None),  # a person's certificate: not a duty
        )
    )
    enterprise.materialized_until = None
    session.add(enterprise)


def set_digest(
    session: Session,
    enterprise: Enterprise,
    *,
    catalog: Catalog,
    calendar: WorkCalendar,
    now: dt.datetime,
    horizon_days: int,
    time: dt.time | None = None,
    mode: DigestMode | None = None,
) -> None:
    """A new digest time (reminders re-timed at once) and/or mode."""
    if mode is not None:
        enterprise.digest_mode = mode.value
    if time is not None and time.strftime("%H:%M") != enterprise.digest_time:
        enterprise.digest_time = time.strftime("%H:%M")
        retime_pending(session, enterprise, now=now)
        materialize(
            session,
            enterprise,
            catalog=catalog,
            calendar=calendar,
            now=now,
            horizon_days=horizon_days,
        )
    session.add(enterprise)
    session.commit()


def next_digest(enterprise: Enterprise, calendar: WorkCalendar, now: dt.datetime) -> dt.datetime:
    """The next digest moment after ``now`` (whether or not anything will be in it)."""
    schedule = digest_schedule(enterprise, calendar)
    tz = ZoneInfo(enterprise.timezone)
    day = now.astimezone(tz).date()
    for _ in range(40):
        if schedule.is_digest_day(day) and schedule.moment(day, tz) > now:
            break
        day += dt.timedelta(days=1)
    return schedule.moment(day, tz)


def set_topic(session: Session, enterprise: Enterprise, topic_id: int | None) -> None:
    """The forum topic reminders go to (None: the general chat)."""
    enterprise.topic_id = topic_id
    session.add(enterprise)
    session.commit()
