"""Per-enterprise figures the desk shows beside completion: hazards, 知晓率, the last drill.

Each is one grouped query over all the enterprises in view (no query per enterprise), so an
office of 200 enterprises costs the same few round trips as one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import and_, case
from sqlmodel import Session, col, func

from bot.domain.hazard import OPEN
from bot.domain.hazard_states import HazardGrade
from bot.reports.queries import aware
from bot.reports.sources import DRILL_OBLIGATIONS, Awareness
from bot.services.drill.queries import DONE_STATUSES
from bot.store.drill_models import Drill
from bot.store.hazard_models import Hazard
from bot.store.models import Member, OccurrenceRow, OccurrenceStatus
from bot.store.quiz_models import EXAM_KINDS, Quiz

OPEN_HAZARDS = tuple(s.value for s in OPEN)


@dataclass(frozen=True)
class HazardCounts:
    open: int = 0
    major: int = 0  # open 重大事故隐患
    overdue: int = 0  # open, past the deadline day


def hazard_counts(
    session: Session, ids: Sequence[int], *, today: dt.date
) -> dict[int, HazardCounts]:
    """Open, open major and overdue hazards per enterprise (left out: none open)."""
    if not ids:
        return {}
    major = col(Hazard.grade) == HazardGrade.MAJOR.value
    late = and_(col(Hazard.deadline).is_not(None), col(Hazard.deadline) < today)
    rows = session.execute(
        sa.select(
            col(Hazard.enterprise_id),
            func.count(),
            func.sum(case((major, 1), else_=0)),
            func.sum(case((late, 1), else_=0)),
        )
        .where(col(Hazard.enterprise_id).in_(ids), col(Hazard.status).in_(OPEN_HAZARDS))
        .group_by(col(Hazard.enterprise_id))
    ).all()
    return {int(e): HazardCounts(int(n), int(m or 0), int(o or 0)) for e, n, m, o in rows}


def awareness(session: Session, ids: Sequence[int], *, as_of: dt.datetime) -> dict[int, Awareness]:
    """知晓率 per enterprise as of a moment: rostered people whose latest exam (check or
    retest) finished before ``as_of`` was passed, out of the roster; as
    ``bot.services.quiz.stats.quiz_stats`` counts it. Left out: no roster or no exam yet."""
    if not ids:
        return {}
    exam = and_(
        col(Quiz.enterprise_id).in_(ids),
        col(Quiz.kind).in_(EXAM_KINDS),
        col(Quiz.passed).is_not(None),
        col(Quiz.finished_at) < as_of,
    )
    examined = {
        int(e)
        for (e,) in session.execute(
            sa.select(col(Quiz.enterprise_id)).where(exam).group_by(col(Quiz.enterprise_id))
        ).all()
    }
    if not examined:
        return {}
    order = func.row_number().over(
        partition_by=(col(Quiz.enterprise_id), col(Quiz.user_id)),
        order_by=(col(Quiz.finished_at).desc(), col(Quiz.id).desc()),
    )
    ranked = (
        sa.select(
            col(Quiz.enterprise_id).label("enterprise_id"),
            col(Quiz.user_id).label("user_id"),
            col(Quiz.passed).label("passed"),
            order.label("n"),
        )
        .where(exam)
        .subquery()
    )
    latest = ranked.c
    passed = case((latest.passed.is_(True), 1), else_=0)
    rows = session.execute(
        sa.select(col(Member.enterprise_id), func.count(), func.sum(passed))
        .select_from(Member)
        .outerjoin(
            ranked,
            and_(
                latest.enterprise_id == col(Member.enterprise_id),
                latest.user_id == col(Member.user_id),
                latest.n == 1,
            ),
        )
        .where(col(Member.enterprise_id).in_(sorted(examined)))
        .group_by(col(Member.enterprise_id))
    ).all()
    return {int(e): Awareness(int(ok or 0), int(n)) for e, n, ok in rows if n}


def last_drills(
    session: Session, ids: Sequence[int], *, before: dt.datetime
) -> dict[int, dt.datetime]:
    """When each enterprise last drilled before ``before``: a drill run in the chat, or a
    confirmed drill duty (a drill documented without /drill). Left out: none yet."""
    if not ids:
        return {}
    run = session.execute(
        sa.select(col(Drill.enterprise_id), func.max(Drill.started_at))
        .where(
            col(Drill.enterprise_id).in_(ids),
            col(Drill.status).in_(DONE_STATUSES),
            col(Drill.started_at) < before,
        )
        .group_by(col(Drill.enterprise_id))
    ).all()
    confirmed = session.execute(
        sa.select(col(OccurrenceRow.enterprise_id), func.max(OccurrenceRow.done_at))
        .where(
            col(OccurrenceRow.obligation_id).in_(DRILL_OBLIGATIONS),
            col(OccurrenceRow.status) == OccurrenceStatus.DONE.value,
            col(OccurrenceRow.done_at) < before,
            col(OccurrenceRow.enterprise_id).in_(ids),
        )
        .group_by(col(OccurrenceRow.enterprise_id))
        # SQLite would walk every occurrence of each enterprise on (enterprise_id, due_at);
        # the few drill completions are on (obligation_id, status, done_at) (migration 0003).
        .with_hint(OccurrenceRow, "INDEXED BY ix_occurrence_completions", "sqlite")
    ).all()
    found: dict[int, dt.datetime] = {}
    for enterprise_id, at in [*run, *confirmed]:
        moment = aware(at)
        if moment is not None and (enterprise_id not in found or moment > found[enterprise_id]):
            found[int(enterprise_id)] = moment
    return found
