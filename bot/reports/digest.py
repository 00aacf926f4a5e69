"""The weekly digest each office chat gets on Monday morning, local time.

An hourly job looks for offices whose local time is past Monday 08:00 and whose digest for
this week has not been claimed; the claim is one conditional UPDATE on ``office.digest_week``,
so a restart, a missed hour or a second bot process never sends a week's digest twice, and
a bot that was down on Monday morning still sends it later that week.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import or_, update
from sqlmodel import Session, col

from bot.reports.figures import StatsReport
from bot.reports.period import Period
from bot.reports.queries import stats_report
from bot.reports.sources import Awareness, ReportSources
from bot.services.hazards.queries import HazardOverview, overview
from bot.store.office_models import Office

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)

DIGEST_HOUR = 8
OVERDUE_SHOWN = 10
WORST_SHOWN = 5


def digest_week(now: dt.datetime, tz: str) -> dt.date | None:
    """This week's Monday if it is past Monday 08:00 in ``tz``, else None (nothing due yet)."""
    local = now.astimezone(ZoneInfo(tz))
    monday = local.date() - dt.timedelta(days=local.weekday())
    if local.weekday() == 0 and local.hour < DIGEST_HOUR:
        return None
    return monday


def claim(session: Session, office: Office, week: dt.date) -> bool:
    """Mark ``week``'s digest as ours; False if another run (or process) already has it."""
    result = session.exec(
        update(Office)
        .where(
            col(Office.id) == office.id,
            or_(col(Office.digest_week).is_(None), col(Office.digest_week) < week),
        )
        .values(digest_week=week)
    )
    session.commit()
    return bool(result.rowcount == 1)


def release(session: Session, office: Office, week: dt.date, previous: dt.date | None) -> None:
    """Give the claim back after a failed send, so the next run tries again."""
    session.exec(
        update(Office)
        .where(col(Office.id) == office.id, col(Office.digest_week) == week)
        .values(digest_week=previous)
    )
    session.commit()


@dataclass(frozen=True)
class Digest:
    week: Period  # the week before ``now``, Monday to Sunday
    last_week: StatsReport
    month: StatsReport  # the last 30 days: overdue list and worst performers
    awareness_now: Awareness | None
    awareness_before: Awareness | None
    hazards: HazardOverview  # as they stand now: open, overdue, the open major ones

    @property
    def awareness_change(self) -> float | None:
        now = self.awareness_now.rate if self.awareness_now else None
        before = self.awareness_before.rate if self.awareness_before else None
        return None if now is None or before is None else now - before


def build_digest(
    session: Session,
    enterprise_ids: list[int],
    *,
    week: dt.date,
    tz: str,
    now: dt.datetime,
    sources: ReportSources,
) -> Digest:
    """The figures of the digest for the week starting ``week`` (a Monday)."""
    previous = Period(week - dt.timedelta(days=7), week - dt.timedelta(days=1))
    today = now.astimezone(ZoneInfo(tz)).date()
    month = Period(today - dt.timedelta(days=29), today)
    start = previous.end_utc(tz)

    def total(as_of: dt.datetime) -> Awareness | None:
        found = sources.quiz.awareness(session, enterprise_ids, as_of=as_of)
        return sum(found.values(), Awareness(0, 0)) if found else None

    return Digest(
        week=previous,
        last_week=stats_report(session, enterprise_ids, previous, tz=tz, now=now, sources=sources),
        month=stats_report(
            session,
            enterprise_ids,
            month,
            tz=tz,
            now=now,
            sources=sources,
            overdue_limit=OVERDUE_SHOWN,
        ),
        awareness_now=total(start),
        awareness_before=total(start - dt.timedelta(days=7)),
        hazards=overview(session, enterprise_ids, now=now),
    )
