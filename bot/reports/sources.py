"""Where quiz and drill figures come from, as protocols, so reports never import those features.

The quiz and drill capabilities record their own tables; they provide an object satisfying
``QuizSource`` / ``DrillSource`` and the application keeps a ``ReportSources`` in its
``Runtime``. Until then quiz figures are "no data" and drills are
counted from confirmed drill occurrences, which exist regardless of how a drill was run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from sqlmodel import Session, col, func, select

from bot.catalog.people import PeopleRules
from bot.store.models import OccurrenceRow, OccurrenceStatus

DRILL_OBLIGATIONS: tuple[str, ...] = ("emergency-drill", "evacuation-drill")


@dataclass(frozen=True)
class Awareness:
    """知晓率: rostered workers whose latest check passed, out of those rostered."""

    passed: int
    rostered: int

    @property
    def rate(self) -> float | None:
        return self.passed / self.rostered if self.rostered else None

    def __add__(self, other: Awareness) -> Awareness:
        return Awareness(self.passed + other.passed, self.rostered + other.rostered)


@dataclass(frozen=True)
class WorkerResult:
    """One worker's quiz record in a period (a row of the 考试 sheet)."""

    enterprise_id: int
    user_id: int
    name: str
    answered: int
    correct: int
    checks: int
    checks_passed: int
    last_check_at: dt.datetime | None
    last_check_passed: bool | None

    @property
    def correct_rate(self) -> float | None:
        return self.correct / self.answered if self.answered else None


class QuizSource(Protocol):
    def awareness(
        self, session: Session, enterprise_ids: Sequence[int], *, as_of: dt.datetime
    ) -> Mapping[int, Awareness]:
        """知晓率 per enterprise as of a moment; enterprises without data are left out."""
        ...

    def worker_results(
        self,
        session: Session,
        enterprise_ids: Sequence[int],
        *,
        start: dt.datetime,
        end: dt.datetime,
    ) -> list[WorkerResult]:
        """Per-worker results of quizzes and checks taken in [start, end)."""
        ...


class DrillSource(Protocol):
    def drills_done(
        self,
        session: Session,
        enterprise_ids: Sequence[int],
        *,
        start: dt.datetime,
        end: dt.datetime,
    ) -> Mapping[int, int]:
        """Drills completed in [start, end) per enterprise; left out means no data."""
        ...


class NoQuizData:
    """Quizzes are not recorded (yet): every figure shows as "no data"."""

    def awareness(
        self, session: Session, enterprise_ids: Sequence[int], *, as_of: dt.datetime
    ) -> Mapping[int, Awareness]:
        return {}

    def worker_results(
        self,
        session: Session,
        enterprise_ids: Sequence[int],
        *,
        start: dt.datetime,
        end: dt.datetime,
    ) -> list[WorkerResult]:
        return []


@dataclass(frozen=True)
class OccurrenceDrills:
    """Drills done = confirmed occurrences of the drill obligations, counted in SQL.

    Served by the index on (obligation_id, status, done_at) of migration 0003.
    """

    obligation_ids: tuple[str, ...] = DRILL_OBLIGATIONS

    def drills_done(
        self,
        session: Session,
        enterprise_ids: Sequence[int],
        *,
        start: dt.datetime,
        end: dt.datetime,
    ) -> Mapping[int, int]:
        if not enterprise_ids:
            return {}
        rows = session.exec(
            select(OccurrenceRow.enterprise_id, func.count())
            .where(
                col(OccurrenceRow.enterprise_id).in_(enterprise_ids),
                col(OccurrenceRow.obligation_id).in_(self.obligation_ids),
                OccurrenceRow.status == OccurrenceStatus.DONE.value,
                col(OccurrenceRow.done_at) >= start,
                col(OccurrenceRow.done_at) < end,
            )
            .group_by(col(OccurrenceRow.enterprise_id))
        ).all()
        found = {int(enterprise_id): int(n) for enterprise_id, n in rows}
        return {enterprise_id: found.get(enterprise_id, 0) for enterprise_id in enterprise_ids}


@dataclass(frozen=True)
class ReportSources:
    quiz: QuizSource = field(default_factory=NoQuizData)
    drills: DrillSource = field(default_factory=OccurrenceDrills)
    people: PeopleRules | None = None  # certificate kinds, training rules; None: no people sheets
