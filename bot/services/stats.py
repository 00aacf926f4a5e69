"""What is due, done and overdue for one enterprise (the group's ``/stats``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.store.models import Enterprise, OccurrenceRow, OccurrenceStatus


@dataclass
class OverdueGroup:
    obligation_id: str
    area: str | None
    count: int
    first_due: dt.datetime
    last_due: dt.datetime


@dataclass
class EnterpriseStats:
    period_start: dt.date
    today: dt.date
    done: list[OccurrenceRow] = field(default_factory=list)
    due: list[OccurrenceRow] = field(default_factory=list)  # window open, not yet past due
    overdue: list[OccurrenceRow] = field(default_factory=list)
    upcoming: list[OccurrenceRow] = field(default_factory=list)  # window not yet open

    @property
    def overdue_groups(self) -> list[OverdueGroup]:
        """Overdue occurrences folded per obligation and area: 17 missed daily checks are one line."""
        groups: dict[tuple[str, str | None], OverdueGroup] = {}
        for occ in self.overdue:
            key = (occ.obligation_id, occ.area)
            group = groups.get(key)
            if group is None:
                groups[key] = OverdueGroup(occ.obligation_id, occ.area, 1, occ.due_at, occ.due_at)
            else:
                group.count += 1
                group.first_due = min(group.first_due, occ.due_at)
                group.last_due = max(group.last_due, occ.due_at)
        return sorted(groups.values(), key=lambda g: g.first_due)

    @property
    def completion(self) -> float:
        counted = len(self.done) + len(self.overdue)
        return len(self.done) / counted if counted else 1.0


def enterprise_stats(
    session: Session,
    enterprise: Enterprise,
    *,
    now: dt.datetime,
    upcoming_days: int = 30,
    period_days: int = 31,
    exclude: set[str] | frozenset[str] = frozenset(),
) -> EnterpriseStats:
    """Occurrences of the last ``period_days`` by state, plus those opening in the next ``upcoming_days``."""
    today = now.astimezone(ZoneInfo(enterprise.timezone)).date()
    stats = EnterpriseStats(period_start=today - dt.timedelta(days=period_days), today=today)
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
        if occ.obligation_id in exclude:
            continue
        if occ.status == OccurrenceStatus.DONE.value:
            stats.done.append(occ)
        elif occ.due_at < now:
            stats.overdue.append(occ)
        elif occ.window_start <= today:
            stats.due.append(occ)
        else:
            stats.upcoming.append(occ)
    return stats
