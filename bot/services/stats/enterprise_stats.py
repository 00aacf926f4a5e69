"""What is due, done and overdue for one enterprise (the group's ``/stats``), with its 知晓率
and the drills done, counted by the same sources as the office view so both show one figure."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.catalog.people import PeopleRules
from bot.reports.period import Period
from bot.reports.sources import Awareness, ReportSources
from bot.services.hazards import queries as hazard_queries
from bot.services.people.overview import PeopleOverview, overviews
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
    awareness: Awareness | None = None  # 知晓率 now; None: no spot check yet (or not asked)
    drills: int | None = None  # drill duties done since ``period_start``; None: not asked
    hazards: hazard_queries.HazardOverview | None = None  # the hazard register; None: not asked
    people: PeopleOverview | None = None  # certificates and training hours; None: not asked

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
    sources: ReportSources | None = None,
    hazards: bool = False,
    people: PeopleRules | None = None,
) -> EnterpriseStats:
    """Occurrences of the last ``period_days`` by state, plus those opening in the next ``upcoming_days``.

    With ``sources`` (what office reports use), also the 知晓率 and the drills done; with
    ``hazards``, the hazard figures (open, overdue, closed, the open major ones); with the
    ``people`` rules, the certificates due and lapsed and the training shortfall.
    """
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
    if sources is not None:
        _add_quiz_and_drills(session, enterprise, stats, now=now, sources=sources)
    if hazards:
        assert enterprise.id is not None
        stats.hazards = hazard_queries.overview(session, [enterprise.id], now=now)
    if people is not None:
        stats.people = overviews(session, people, [enterprise], now=now)[0]
    return stats


def _add_quiz_and_drills(
    session: Session,
    enterprise: Enterprise,
    stats: EnterpriseStats,
    *,
    now: dt.datetime,
    sources: ReportSources,
) -> None:
    assert enterprise.id is not None
    ids = [enterprise.id]
    period = Period(stats.period_start, stats.today)  # whole local days, as offices count them
    start, end = period.start_utc(enterprise.timezone), period.end_utc(enterprise.timezone)
    stats.awareness = sources.quiz.awareness(session, ids, as_of=now).get(enterprise.id)
    stats.drills = sources.drills.drills_done(session, ids, start=start, end=end).get(enterprise.id)
