"""Reading drills back: one drill's state for the headcount and report, the duties a drill can
confirm, and the statistics office staff see (drills per area, participation, muster time).

Kept apart from the use cases in ``bot.services.drills`` because these only read; the
numbers themselves are computed by ``bot.domain.drill`` from the stored presses and arrivals.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.domain import drill as rules
from bot.store.drill_models import Drill, DrillMuster, DrillStatus, DrillStep
from bot.store.models import Enterprise, Member, OccurrenceRow, OccurrenceStatus

EVACUATION = "evacuation-drill"
EMERGENCY = "emergency-drill"
DONE_STATUSES = (DrillStatus.ENDED.value, DrillStatus.CONFIRMED.value)


@dataclass(frozen=True)
class DrillSnapshot:
    drill: Drill
    enterprise: Enterprise
    report: rules.DrillReport  # for a running drill, as if it ended now


def person_steps(session: Session, drill_id: int, user_id: int) -> list[rules.Step]:
    rows = session.exec(
        select(DrillStep.step).where(DrillStep.drill_id == drill_id, DrillStep.user_id == user_id)
    ).all()
    return [rules.Step(s) for s in rows]


def roster(session: Session, enterprise_id: int) -> dict[int, str]:
    members = session.exec(
        select(Member)
        .where(Member.enterprise_id == enterprise_id)
        .order_by(col(Member.joined_at), col(Member.id))
    ).all()
    return {m.user_id: m.name for m in members}


def snapshot(session: Session, drill: Drill, *, now: dt.datetime) -> DrillSnapshot:
    """Everything the headcount message and the report show, from the stored rows."""
    assert drill.id is not None
    enterprise = session.get(Enterprise, drill.enterprise_id)
    assert enterprise is not None
    presses = [
        rules.StepPress(r.user_id, r.user_name, rules.Step(r.step), r.at, r.in_order)
        for r in session.exec(select(DrillStep).where(DrillStep.drill_id == drill.id)).all()
    ]
    arrivals = [
        rules.Arrival(r.user_id, r.user_name, r.at, r.marked_by)
        for r in session.exec(select(DrillMuster).where(DrillMuster.drill_id == drill.id)).all()
    ]
    report = rules.build_report(
        started_at=drill.started_at,
        ended_at=drill.ended_at or max(now, drill.started_at),
        presses=presses,
        arrivals=arrivals,
        roster=roster(session, drill.enterprise_id),
        expected=drill.expected_count,
        organizer_id=drill.organizer_id,
    )
    return DrillSnapshot(drill, enterprise, report)


@dataclass(frozen=True)
class Targets:
    """The open duties a drill on that day and in that area fulfils."""

    evacuation: OccurrenceRow | None
    emergency: OccurrenceRow | None

    @property
    def rows(self) -> list[OccurrenceRow]:
        return [o for o in (self.evacuation, self.emergency) if o is not None]


def _open_on(
    session: Session, enterprise_id: int, obligation_id: str, area: str | None, day: dt.date
) -> OccurrenceRow | None:
    return session.exec(
        select(OccurrenceRow)
        .where(
            OccurrenceRow.enterprise_id == enterprise_id,
            OccurrenceRow.obligation_id == obligation_id,
            OccurrenceRow.area == area,
            OccurrenceRow.status == OccurrenceStatus.OPEN.value,
            col(OccurrenceRow.window_start) <= day,
            col(OccurrenceRow.window_end) >= day,
        )
        .order_by(col(OccurrenceRow.window_start))
    ).first()


def open_targets(session: Session, enterprise: Enterprise, area: str, when: dt.datetime) -> Targets:
    """The open evacuation-drill occurrence of ``area`` (or the one for the whole site, where
    drills are not per area) and the open emergency-drill one whose window contains the local
    day of ``when`` (the drill's start)."""
    assert enterprise.id is not None
    day = when.astimezone(ZoneInfo(enterprise.timezone)).date()
    evacuation = _open_on(session, enterprise.id, EVACUATION, area, day) or _open_on(
        session, enterprise.id, EVACUATION, None, day
    )
    return Targets(evacuation, _open_on(session, enterprise.id, EMERGENCY, None, day))


@dataclass(frozen=True)
class DrillStats:
    drills: int = 0
    confirmed: int = 0  # drills documented with a photo
    by_area: dict[str, int] = field(default_factory=dict)
    participants: int = 0  # different people who took part
    accounted: int = 0  # people accounted for, summed over drills
    expected: int = 0  # people expected, summed over drills
    order_correct: int = 0  # people who did the five steps in the right order
    people: int = 0  # people who pressed at least one step, summed over drills
    median_muster: dt.timedelta | None = None

    @property
    def participation(self) -> float | None:
        return self.accounted / self.expected if self.expected else None

    @property
    def order_rate(self) -> float | None:
        return self.order_correct / self.people if self.people else None


def drill_stats(
    session: Session, enterprise_id: int, start: dt.datetime, end: dt.datetime
) -> DrillStats:
    """Drills ended between ``start`` (inclusive) and ``end`` (exclusive) by one enterprise."""
    drills = session.exec(
        select(Drill)
        .where(
            Drill.enterprise_id == enterprise_id,
            col(Drill.status).in_(DONE_STATUSES),
            col(Drill.started_at) >= start,
            col(Drill.started_at) < end,
        )
        .order_by(col(Drill.started_at))
    ).all()
    snaps = [snapshot(session, d, now=d.ended_at or d.started_at) for d in drills]
    people: set[int] = set()
    for snap in snaps:
        people |= {p.user_id for p in snap.report.people}
        people |= {a.user_id for a in snap.report.headcount.accounted}
    musters = [s.report.muster for s in snaps if s.report.muster is not None]
    return DrillStats(
        drills=len(drills),
        confirmed=sum(1 for d in drills if d.status == DrillStatus.CONFIRMED.value),
        by_area=dict(Counter(d.area for d in drills)),
        participants=len(people),
        accounted=sum(s.report.headcount.count for s in snaps),
        expected=sum(s.report.headcount.expected for s in snaps),
        order_correct=sum(len(s.report.order_correct) for s in snaps),
        people=sum(len(s.report.people) for s in snaps),
        median_muster=rules.median_duration(musters),
    )


def current_period_stats(
    session: Session, enterprise: Enterprise, now: dt.datetime
) -> tuple[dt.date, DrillStats]:
    """Drill statistics of the running obligation period: the half-year for high-risk
    enterprises (they drill every half-year), the calendar year otherwise."""
    tz = ZoneInfo(enterprise.timezone)
    today = now.astimezone(tz).date()
    first_month = 7 if enterprise.high_risk and today.month > 6 else 1
    start = dt.datetime(today.year, first_month, 1, tzinfo=tz)
    stats = drill_stats(session, enterprise.id or 0, start, now + dt.timedelta(seconds=1))
    return start.date(), stats
