"""Knowledge-check statistics per enterprise and per worker, and a worker's own history.

``quiz_stats`` is the one entry point for reports (``/retrain``, office reports, exports):
plain numbers and rows, no Telegram and no text, documented in docs/quiz.md.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlmodel import Session, col, func, select

from bot.domain import quiz as rules
from bot.errors import StaleButton
from bot.services.roster import members as roster
from bot.store.models import Enterprise
from bot.store.quiz_models import EXAM_KINDS, Quiz, QuizAnswer, QuizKind, QuizQuestion, Retraining


@dataclass
class WorkerQuizStats:
    """One person: answers and exams in the period, and where they stand now."""

    user_id: int
    name: str
    on_roster: bool
    answered: int = 0
    correct: int = 0
    checks: int = 0
    checks_passed: int = 0
    latest_check_passed: bool | None = None  # the latest exam finished before ``end``
    retest_due: dt.datetime | None = None  # open retraining: when the retest is (was) due

    @property
    def correct_rate(self) -> float | None:
        return rules.rate(self.correct, self.answered)


@dataclass
class QuizStats:
    """An enterprise's knowledge checks in [start, end).

    ``answered``/``correct``: answers given (questions left unanswered in an exam that timed
    out are not counted as answered). ``checks``/``checks_passed``: spot checks and retests
    finished in the period. ``aware``/``rostered``: 知晓率, rostered people whose latest exam
    before ``end`` was passed (never examined counts as not aware).
    """

    answered: int = 0
    correct: int = 0
    checks: int = 0
    checks_passed: int = 0
    aware: int = 0
    rostered: int = 0
    retraining: int = 0  # open retrainings now
    workers: list[WorkerQuizStats] = field(default_factory=list)

    @property
    def correct_rate(self) -> float | None:
        return rules.rate(self.correct, self.answered)

    @property
    def check_pass_rate(self) -> float | None:
        return rules.rate(self.checks_passed, self.checks)

    @property
    def awareness_rate(self) -> float | None:
        """知晓率 as a fraction of one; None for an empty roster."""
        return rules.rate(self.aware, self.rostered)


def quiz_stats(
    session: Session, enterprise_id: int, start: dt.datetime, end: dt.datetime
) -> QuizStats:
    """Statistics of ``enterprise_id`` for answers and exams in [start, end) (aware datetimes)."""
    members = {m.user_id: m.name for m in roster.members(session, enterprise_id)}
    rows: dict[int, WorkerQuizStats] = {
        uid: WorkerQuizStats(uid, name, on_roster=True) for uid, name in members.items()
    }

    def row(uid: int, name: str) -> WorkerQuizStats:
        return rows.setdefault(uid, WorkerQuizStats(uid, name, on_roster=False))

    answers = session.exec(
        select(QuizAnswer).where(
            QuizAnswer.enterprise_id == enterprise_id,
            col(QuizAnswer.chosen).is_not(None),
            col(QuizAnswer.answered_at) >= start,
            col(QuizAnswer.answered_at) < end,
        )
    ).all()
    for a in answers:
        worker = row(a.user_id, a.user_name)
        worker.answered += 1
        worker.correct += int(a.correct)

    exams = session.exec(
        select(Quiz)
        .where(
            Quiz.enterprise_id == enterprise_id,
            col(Quiz.kind).in_(EXAM_KINDS),
            col(Quiz.passed).is_not(None),
            col(Quiz.finished_at) < end,
        )
        .order_by(col(Quiz.finished_at))
    ).all()
    latest: dict[int, bool] = {}
    for quiz in exams:
        uid = quiz.user_id or 0
        latest[uid] = bool(quiz.passed)
        assert quiz.finished_at is not None
        if quiz.finished_at >= start:
            worker = row(uid, quiz.user_name or "")
            worker.checks += 1
            worker.checks_passed += int(bool(quiz.passed))
    for uid, ok in latest.items():
        if uid in rows:
            rows[uid].latest_check_passed = ok

    open_items = session.exec(
        select(Retraining).where(
            Retraining.enterprise_id == enterprise_id, col(Retraining.passed_at).is_(None)
        )
    ).all()
    for item in open_items:
        row(item.user_id, item.user_name).retest_due = item.due_at

    aware, rostered = rules.awareness(members, latest)
    workers = sorted(rows.values(), key=lambda w: (not w.on_roster, w.name, w.user_id))
    return QuizStats(
        answered=sum(w.answered for w in workers),
        correct=sum(w.correct for w in workers),
        checks=sum(w.checks for w in workers),
        checks_passed=sum(w.checks_passed for w in workers),
        aware=aware,
        rostered=rostered,
        retraining=len(open_items),
        workers=workers,
    )


@dataclass
class MyHistory:
    """What ``/me`` shows a worker: totals, recent exams, practice count, open retests."""

    answered: int
    correct: int
    practice_quizzes: int
    exams: list[Quiz]
    retraining: list[tuple[Retraining, Enterprise]]

    @property
    def correct_rate(self) -> float | None:
        return rules.rate(self.correct, self.answered)


def my_history(session: Session, user_id: int, *, limit: int = 10) -> MyHistory:
    answers = session.exec(
        select(QuizAnswer.correct).where(
            QuizAnswer.user_id == user_id, col(QuizAnswer.chosen).is_not(None)
        )
    ).all()
    practice = session.exec(
        select(Quiz.id).where(
            Quiz.user_id == user_id,
            Quiz.kind == QuizKind.PRIVATE.value,
            col(Quiz.correct).is_not(None),
        )
    ).all()
    exams = session.exec(
        select(Quiz)
        .where(
            Quiz.user_id == user_id, col(Quiz.kind).in_(EXAM_KINDS), col(Quiz.passed).is_not(None)
        )
        .order_by(col(Quiz.finished_at).desc())
        .limit(limit)
    ).all()
    open_items = session.exec(
        select(Retraining, Enterprise)
        .join(Enterprise, col(Enterprise.id) == Retraining.enterprise_id)
        .where(Retraining.user_id == user_id, col(Retraining.passed_at).is_(None))
    ).all()
    counts: defaultdict[bool, int] = defaultdict(int)
    for ok in answers:
        counts[bool(ok)] += 1
    return MyHistory(
        answered=len(answers),
        correct=counts[True],
        practice_quizzes=len(practice),
        exams=list(exams),
        retraining=[(r, e) for r, e in open_items],
    )


@dataclass(frozen=True)
class Participant:
    name: str
    answered: int
    correct: int


@dataclass(frozen=True)
class GroupResults:
    quiz: Quiz
    questions: int
    participants: list[Participant]


def group_results(session: Session, *, quiz_id: int, chat_id: int) -> GroupResults:
    """Who answered a group quiz and how many right, best first; StaleButton if not this chat's."""
    quiz = session.get(Quiz, quiz_id)
    if quiz is None or quiz.kind != QuizKind.GROUP or quiz.chat_id != chat_id:
        raise StaleButton()
    answers = session.exec(
        select(QuizAnswer)
        .where(QuizAnswer.quiz_id == quiz_id)
        .order_by(col(QuizAnswer.answered_at))
    ).all()
    names: dict[int, str] = {}
    tally: defaultdict[int, list[int]] = defaultdict(lambda: [0, 0])
    for a in answers:
        names[a.user_id] = a.user_name
        tally[a.user_id][0] += 1
        tally[a.user_id][1] += int(a.correct)
    people = [Participant(names[uid], n, ok) for uid, (n, ok) in tally.items()]
    people.sort(key=lambda p: (-p.correct, -p.answered, p.name))
    total = session.exec(select(func.count()).where(QuizQuestion.quiz_id == quiz_id)).one()
    return GroupResults(quiz, total, people)
