"""逢查必考 spot checks and the retraining that follows a failed one.

A manager's ``/check`` (or the button offered after an inspection) opens a spot check in the
group; each named or volunteering worker gets a timed exam in private. The tick closes exams
whose time ran out and, from the retest day on, reminds failed workers of their retest.
Everything is rows, so a restart loses no deadline and no reminder.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, delete, func, select

from bot.config import Settings
from bot.domain import quiz as rules
from bot.errors import AlreadyChecked, AlreadyStarted, StaleButton
from bot.quiz import QuestionBank
from bot.services.enterprises import require_active
from bot.services.language.preferences import user_locale
from bot.services.quiz.answers import Verdict, finish, next_unanswered
from bot.services.quiz.quizzes import Asked, choose, create_quiz, user_attempts
from bot.services.roster import members as roster
from bot.store.models import Enterprise, Member
from bot.store.quiz_models import (
    EXAM_KINDS,
    Quiz,
    QuizAnswer,
    QuizKind,
    QuizQuestion,
    Retraining,
    SpotCheck,
)

# Volunteers may answer a spot-check announcement for this long.
VOLUNTEER_WINDOW = dt.timedelta(days=1)


def start_spot_check(
    session: Session, *, chat_id: int, started_by: int, now: dt.datetime
) -> tuple[SpotCheck, Enterprise]:
    """Open a spot check in the enterprise's group (the caller checked the starter may)."""
    enterprise = require_active(session, chat_id)
    spot = SpotCheck(
        enterprise_id=enterprise.id or 0, chat_id=chat_id, started_by=started_by, created_at=now
    )
    session.add(spot)
    session.commit()
    return spot, enterprise


def set_announcement(session: Session, spot_check_id: int, message_id: int) -> None:
    spot = session.get(SpotCheck, spot_check_id)
    assert spot is not None
    spot.message_id = message_id
    session.add(spot)
    session.commit()


def spot_check_in_chat(
    session: Session, *, spot_check_id: int, chat_id: int, now: dt.datetime
) -> tuple[SpotCheck, Enterprise]:
    """The spot check a volunteer button refers to, if it is this chat's and still open."""
    spot = session.get(SpotCheck, spot_check_id)
    enterprise = session.get(Enterprise, spot.enterprise_id) if spot else None
    if spot is None or enterprise is None or spot.chat_id != chat_id or not enterprise.active:
        raise StaleButton()
    if now - spot.created_at > VOLUNTEER_WINDOW:
        raise StaleButton()
    return spot, enterprise


def find_examinees(
    session: Session, enterprise_id: int, usernames: list[str]
) -> tuple[list[Member], list[str]]:
    """Roster members named by @username, and the names nobody on the roster has."""
    found: dict[int, Member] = {}
    unknown: list[str] = []
    for name in usernames:
        member = roster.find_by_username(session, enterprise_id=enterprise_id, username=name)
        if member is None:
            unknown.append(name.lstrip("@"))
        else:
            found.setdefault(member.user_id, member)
    return list(found.values()), unknown


def open_check(
    session: Session,
    *,
    spot: SpotCheck,
    enterprise: Enterprise,
    user_id: int,
    user_name: str,
    username: str | None,
    bank: QuestionBank,
    now: dt.datetime,
    settings: Settings,
) -> Asked:
    """The worker's exam for this spot check, timed from now; they join the roster too."""
    taken = session.exec(
        select(func.count()).where(Quiz.spot_check_id == spot.id, Quiz.user_id == user_id)
    ).one()
    if taken:
        raise AlreadyChecked(name=user_name)
    roster.join(
        session,
        enterprise_id=enterprise.id or 0,
        user_id=user_id,
        name=user_name,
        username=username,
        now=now,
    )
    questions = choose(
        bank,
        enterprise.sector,
        rules.CHECK_QUESTIONS,
        history=user_attempts(session, user_id),
        now=now,
        seed=f"check:{spot.id}:{user_id}",
        single_answer=True,
    )
    asked = create_quiz(
        session,
        kind=QuizKind.CHECK,
        chat_id=user_id,
        enterprise_id=enterprise.id,
        questions=questions,
        now=now,
        locale=user_locale(session, user_id) or enterprise.locale,
        user_id=user_id,
        user_name=user_name[:120],
        spot_check_id=spot.id,
        started_at=now,
        deadline=rules.check_deadline(now, settings.quiz_check_minutes),
    )
    session.commit()
    return asked[0]


def discard(session: Session, quiz_id: int) -> None:
    """Forget an exam that could not be delivered (the worker never opened a private chat)."""
    session.execute(delete(QuizAnswer).where(col(QuizAnswer.quiz_id) == quiz_id))
    session.execute(delete(QuizQuestion).where(col(QuizQuestion.quiz_id) == quiz_id))
    session.execute(delete(Quiz).where(col(Quiz.id) == quiz_id))
    session.commit()


def expired_exams(session: Session, now: dt.datetime) -> list[int]:
    """Ids of exams still open whose deadline has passed."""
    ids = session.exec(
        select(Quiz.id).where(
            col(Quiz.kind).in_(EXAM_KINDS),
            col(Quiz.finished_at).is_(None),
            col(Quiz.deadline).is_not(None),
            col(Quiz.deadline) <= now,
        )
    ).all()
    return [qid for qid in ids if qid is not None]


def close_exam(
    session: Session, quiz_id: int, *, now: dt.datetime, settings: Settings, bank: QuestionBank
) -> Verdict | None:
    """Grade an exam whose time ran out; None if it was graded meanwhile."""
    quiz = session.get(Quiz, quiz_id)
    verdict = finish(session, quiz, now=now, settings=settings, bank=bank) if quiz else None
    session.commit()
    return verdict


@dataclass(frozen=True)
class RetestDue:
    retraining: Retraining
    enterprise: Enterprise
    quiz: Quiz


def due_retests(session: Session, *, now: dt.datetime, bank: QuestionBank) -> list[RetestDue]:
    """Retests to remind of now, each with its (possibly new) unstarted retest quiz.

    Marked reminded before sending: a reminder that cannot be delivered is tried again the
    next day rather than every tick.
    """
    due: list[RetestDue] = []
    rows = session.exec(
        select(Retraining).where(col(Retraining.passed_at).is_(None), col(Retraining.due_at) <= now)
    ).all()
    for item in rows:
        enterprise = session.get(Enterprise, item.enterprise_id)
        if (
            enterprise is None
            or not enterprise.active
            or not rules.needs_reminder(item.due_at, item.reminded_at, now)
        ):
            continue
        quiz = session.get(Quiz, item.retest_quiz_id) if item.retest_quiz_id else None
        if quiz is not None and (quiz.started_at is not None or quiz.finished_at is not None):
            continue  # being taken right now
        if quiz is None:
            questions = choose(
                bank,
                enterprise.sector,
                rules.CHECK_QUESTIONS,
                history=user_attempts(session, item.user_id),
                now=now,
                seed=f"retest:{item.id}:{item.attempts}",
                single_answer=True,
            )
            asked = create_quiz(
                session,
                kind=QuizKind.RETEST,
                chat_id=item.user_id,
                enterprise_id=enterprise.id,
                questions=questions,
                now=now,
                locale=user_locale(session, item.user_id) or enterprise.locale,
                user_id=item.user_id,
                user_name=item.user_name,
            )
            quiz = session.get(Quiz, asked[0].row.quiz_id)
            assert quiz is not None
            item.retest_quiz_id = quiz.id
        item.reminded_at = now
        session.add(item)
        due.append(RetestDue(item, enterprise, quiz))
    session.commit()
    return due


def begin_retest(
    session: Session,
    *,
    quiz_id: int,
    user_id: int,
    chat_id: int,
    now: dt.datetime,
    settings: Settings,
    bank: QuestionBank,
) -> Asked:
    """The worker pressed "start the retest": the clock starts now; the first question."""
    quiz = session.get(Quiz, quiz_id)
    if (
        quiz is None
        or quiz.kind != QuizKind.RETEST
        or quiz.user_id != user_id
        or quiz.chat_id != chat_id
    ):
        raise StaleButton()
    if quiz.finished_at is not None or quiz.started_at is not None:
        raise AlreadyStarted()
    quiz.started_at, quiz.deadline = now, rules.check_deadline(now, settings.quiz_check_minutes)
    session.add(quiz)
    first = next_unanswered(session, quiz, bank)
    if first is None:  # its questions left the bank meanwhile: nothing to ask
        raise StaleButton()
    session.commit()
    return first


def open_retrainings(session: Session, enterprise_id: int) -> list[Retraining]:
    """Workers still to retrain and retest, soonest retest first (the officer's list)."""
    return list(
        session.exec(
            select(Retraining)
            .where(Retraining.enterprise_id == enterprise_id, col(Retraining.passed_at).is_(None))
            .order_by(col(Retraining.due_at))
        ).all()
    )
