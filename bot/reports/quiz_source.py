"""The quiz capability's figures as a ``QuizSource`` for reports (知晓率 and the 考试 sheet).

Adapts ``bot.services.quiz_stats.quiz_stats``, which works one enterprise at a time; an
office of many enterprises makes one round of queries per enterprise (see docs/reports.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from sqlmodel import Session

from bot.reports.sources import Awareness, WorkerResult
from bot.services.quiz.stats import quiz_stats

EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


class QuizStatsSource:
    def awareness(
        self, session: Session, enterprise_ids: Sequence[int], *, as_of: dt.datetime
    ) -> Mapping[int, Awareness]:
        found: dict[int, Awareness] = {}
        for enterprise_id in enterprise_ids:
            stats = quiz_stats(session, enterprise_id, EPOCH, as_of)
            if stats.rostered and stats.checks:
                found[enterprise_id] = Awareness(stats.aware, stats.rostered)
        return found

    def worker_results(
        self,
        session: Session,
        enterprise_ids: Sequence[int],
        *,
        start: dt.datetime,
        end: dt.datetime,
    ) -> list[WorkerResult]:
        rows: list[WorkerResult] = []
        for enterprise_id in enterprise_ids:
            for w in quiz_stats(session, enterprise_id, start, end).workers:
                if w.answered or w.checks:
                    rows.append(
                        WorkerResult(
                            enterprise_id,
                            w.user_id,
                            w.name,
                            w.answered,
                            w.correct,
                            w.checks,
                            w.checks_passed,
                            None,
                            w.latest_check_passed,
                        )
                    )
        return rows
