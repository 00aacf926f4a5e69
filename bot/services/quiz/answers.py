"""Private quizzes, spot checks and retests answered with buttons, and how they are graded.

Every press is re-checked against the quiz's person and chat, so a forged or replayed button
changes nothing. Grading an exam decides the worker's retraining: a fail opens one (or moves
its retest back), a pass closes it. Grading is claimed atomically, so the tick closing an
expired exam and a last-second press cannot both grade it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.config import Settings
from bot.domain import quiz as rules
from bot.errors import AlreadyAnswered, QuizOver, StaleButton
from bot.quiz import QuestionBank, score
from bot.services.quiz.quizzes import (
    Asked,
    answer_values,
    choose,
    create_quiz,
    insert_answer,
    user_attempts,
)
from bot.store.models import Enterprise, Member
from bot.store.quiz_models import EXAM_KINDS, Quiz, QuizAnswer, QuizKind, QuizQuestion, Retraining

FALLBACK_SECTOR = "other"  # a person on no roster practises the questions every sector shares


@dataclass(frozen=True)
class Verdict:
    """A finished quiz: the grade and, for exams, the retraining it opened, moved or closed."""

    quiz: Quiz
    enterprise: Enterprise | None
    outcome: rules.Outcome
    retraining: Retraining | None


@dataclass(frozen=True)
class Answered:
    quiz: Quiz
    enterprise: Enterprise | None
    asked: Asked
    option: int
    correct: bool
    next: Asked | None
    verdict: Verdict | None
    expired: bool = False


def enterprise_of_user(session: Session, user_id: int) -> Enterprise | None:
    """The active enterprise whose roster the person joined last (their workplace, we assume)."""
    return session.exec(
        select(Enterprise)
        .join(Member, col(Member.enterprise_id) == Enterprise.id)
        .where(Member.user_id == user_id, col(Enterprise.active).is_(True))
        .order_by(col(Member.joined_at).desc())
    ).first()


def start_private_quiz(
    session: Session,
    *,
    user_id: int,
    user_name: str,
    locale: str,
    bank: QuestionBank,
    now: dt.datetime,
) -> Asked:
    """A practice quiz in the private chat; an unfinished earlier one is abandoned."""
    session.execute(
        update(Quiz)
        .where(
            col(Quiz.user_id) == user_id,
            col(Quiz.kind) == QuizKind.PRIVATE.value,
            col(Quiz.finished_at).is_(None),
        )
        .values(finished_at=now)
    )
    enterprise = enterprise_of_user(session, user_id)
    questions = choose(
        bank,
        enterprise.sector if enterprise else FALLBACK_SECTOR,
        rules.PRIVATE_QUESTIONS,
        history=user_attempts(session, user_id),
        now=now,
        seed=f"{user_id}:{now.isoformat()}",
        single_answer=True,
    )
    asked = create_quiz(
        session,
        kind=QuizKind.PRIVATE,
        chat_id=user_id,
        enterprise_id=enterprise.id if enterprise else None,
        questions=questions,
        now=now,
        locale=locale,
        user_id=user_id,
        user_name=user_name[:120],
        started_at=now,
    )
    session.commit()
    return asked[0]


def _asked_list(session: Session, quiz: Quiz, bank: QuestionBank) -> list[Asked]:
    """The quiz's questions in order; one since removed from the bank is skipped, not fatal."""
    rows = session.exec(
        select(QuizQuestion)
        .where(QuizQuestion.quiz_id == quiz.id)
        .order_by(col(QuizQuestion.position))
    ).all()
    found = [(r, bank.find(r.question_id)) for r in rows]
    return [Asked(r, q, len(rows)) for r, q in found if q is not None]


def _answers_of(session: Session, quiz: Quiz) -> dict[int, QuizAnswer]:
    rows = session.exec(
        select(QuizAnswer).where(QuizAnswer.quiz_id == quiz.id, QuizAnswer.user_id == quiz.user_id)
    ).all()
    return {a.quiz_question_id: a for a in rows}


def next_unanswered(session: Session, quiz: Quiz, bank: QuestionBank) -> Asked | None:
    answered = _answers_of(session, quiz)
    return next((a for a in _asked_list(session, quiz, bank) if a.row.id not in answered), None)


def answer(
    session: Session,
    *,
    quiz_question_id: int,
    option: int,
    user_id: int,
    user_name: str,
    chat_id: int,
    now: dt.datetime,
    bank: QuestionBank,
    settings: Settings,
) -> Answered:
    """A button answer in a private quiz, check or retest; grades the quiz after the last one."""
    row = session.get(QuizQuestion, quiz_question_id)
    quiz = session.get(Quiz, row.quiz_id) if row else None
    if (
        row is None
        or quiz is None
        or quiz.kind == QuizKind.GROUP
        or quiz.user_id != user_id
        or quiz.chat_id != chat_id
        or quiz.started_at is None
    ):
        raise StaleButton()
    if quiz.finished_at is not None:
        raise QuizOver()
    if row.id in _answers_of(session, quiz):
        raise AlreadyAnswered()
    current = next_unanswered(session, quiz, bank)
    if current is None or current.row.id != row.id:  # a question not asked yet: forged
        raise StaleButton()
    question = current.question
    if not 0 <= option < len(question.options):
        raise StaleButton()
    asked = current
    enterprise = session.get(Enterprise, quiz.enterprise_id) if quiz.enterprise_id else None
    if rules.is_expired(quiz.deadline, now):
        verdict = finish(session, quiz, now=now, settings=settings, bank=bank)
        session.commit()
        return Answered(quiz, enterprise, asked, option, False, None, verdict, expired=True)
    ok = score(question.correct, [option])
    values = answer_values(
        quiz, row, user_id=user_id, user_name=user_name, chosen=[option], correct=ok, now=now
    )
    if not insert_answer(session, values):
        raise AlreadyAnswered()
    following = next_unanswered(session, quiz, bank)
    verdict = None if following else finish(session, quiz, now=now, settings=settings, bank=bank)
    session.commit()
    return Answered(quiz, enterprise, asked, option, ok, following, verdict)


def finish(
    session: Session, quiz: Quiz, *, now: dt.datetime, settings: Settings, bank: QuestionBank
) -> Verdict | None:
    """Grade ``quiz`` once (an atomic claim, so a tick and a late press cannot both grade it).

    In an exam every question left unanswered is recorded as wrong, so it comes back first.
    Not committed: the caller commits with whatever else it changed.
    """
    claimed = session.execute(
        update(Quiz)
        .where(col(Quiz.id) == quiz.id, col(Quiz.finished_at).is_(None))
        .values(finished_at=now)
    )
    if not claimed.rowcount:  # type: ignore[attr-defined]
        return None
    session.refresh(quiz)
    exam = quiz.kind in EXAM_KINDS
    answers = _answers_of(session, quiz)
    results: list[tuple[str, bool | None]] = []
    for asked in _asked_list(session, quiz, bank):
        given = answers.get(asked.row.id or 0)
        if given is None and exam:
            insert_answer(
                session,
                answer_values(
                    quiz,
                    asked.row,
                    user_id=quiz.user_id or 0,
                    user_name=quiz.user_name or "",
                    chosen=None,
                    correct=False,
                    now=now,
                ),
            )
        results.append((asked.row.question_id, given.correct if given else None))
    outcome = rules.grade(results, settings.quiz_pass_mark)
    quiz.correct, quiz.total = outcome.correct, outcome.total
    quiz.passed = outcome.passed if exam else None
    session.add(quiz)
    retraining = _settle_retraining(session, quiz, outcome, now, settings) if exam else None
    enterprise = session.get(Enterprise, quiz.enterprise_id) if quiz.enterprise_id else None
    return Verdict(quiz, enterprise, outcome, retraining)


def _settle_retraining(
    session: Session, quiz: Quiz, outcome: rules.Outcome, now: dt.datetime, settings: Settings
) -> Retraining | None:
    """Pass: close the worker's open retraining. Fail: open one, or push its retest back."""
    if quiz.enterprise_id is None or quiz.user_id is None:
        return None
    current = session.exec(
        select(Retraining).where(
            Retraining.enterprise_id == quiz.enterprise_id,
            Retraining.user_id == quiz.user_id,
            col(Retraining.passed_at).is_(None),
        )
    ).first()
    if outcome.passed:
        if current is not None:
            current.passed_at = now
            session.add(current)
        return current
    due = rules.retest_due(now, settings.quiz_retest_days)
    if current is None:
        current = Retraining(
            enterprise_id=quiz.enterprise_id,
            user_id=quiz.user_id,
            user_name=quiz.user_name or "",
            check_quiz_id=quiz.id or 0,
            created_at=now,
            due_at=due,
        )
    else:
        if current.retest_quiz_id not in (None, quiz.id):  # a retest never started: withdrawn
            session.execute(
                update(Quiz)
                .where(col(Quiz.id) == current.retest_quiz_id, col(Quiz.finished_at).is_(None))
                .values(finished_at=now)
            )
        current.attempts += 1 if quiz.kind == QuizKind.RETEST else 0
        current.due_at, current.retest_quiz_id, current.reminded_at = due, None, None
    session.add(current)
    return current
