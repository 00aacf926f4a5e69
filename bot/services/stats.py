"""What is due, done and overdue for one enterprise (the group's ``/stats``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.store.models import Enterprise, OccurrenceRow, OccurrenceStatus


@dataclass
class EnterpriseStats:
    period_start: dt.date
    today: dt.date
    done: list[OccurrenceRow] = field(default_factory=list)
    due: list[OccurrenceRow] = field(default_factory=list)  # window open, not yet past due
    overdue: list[OccurrenceRow] = field(default_factory=list)
    upcoming: list[OccurrenceRow] = field(default_factory=list)  # window not yet open

    @property
    def completion(self) -> float:
        counted = len(self.done) + len(self.overdue)
        return len(self.done) / counted if counted else 1.0


def enterprise_stats(session: Session, enterprise: Enterprise, *, now: dt.datetime, upcoming_days: int = 30) -> EnterpriseStats:
    """Occurrences of this year so far, by state, plus those opening in the next ``upcoming_days``."""
    today = now.astimezone(ZoneInfo(enterprise.timezone)).date()
    stats = EnterpriseStats(period_start=dt.date(today.year, 1, 1), today=today)
    horizon = today + dt.timedelta(days=upcoming_days)
    rows = session.exec(
        select(OccurrenceRow)
        .where(
            OccurrenceRow.enterprise_id == enterprise.id,
            col(OccurrenceRow.window_end) >= stats.period_start,
            col(OccurrenceRow.window_start) <= horizon,
        )
        .order_by(col(OccurrenceRow.due_at))
    ).all()
    for occ in rows:
        if occ.status == OccurrenceStatus.DONE.value:
            stats.done.append(occ)
        elif occ.due_at < now:
            stats.overdue.append(occ)
        elif occ.window_start <= today:
            stats.due.append(occ)
        else:
            stats.upcoming.append(occ)
    return stats
