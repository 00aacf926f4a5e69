"""Quizzes as use cases: pick the questions, remember every poll and message, record votes.

A quiz is rows before it is messages: questions are chosen and stored first, then sent, and
each poll id or message id is written back. Votes arrive as ``poll_answer`` updates without
a chat, so they are resolved through the stored poll id; a vote on an unknown poll changes
nothing. Button answers and grading live in ``quiz_answers``.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from bot.config import Settings
from bot.domain import quiz as rules
from bot.quiz import Question, QuestionBank, load_bank, pick_questions, score
from bot.services.enterprises import require_active
from bot.store.models import Enterprise
from bot.store.quiz_models import Quiz, QuizAnswer, QuizKind, QuizQuestion

AUDIENCE = "worker"


@lru_cache(maxsize=4)
def _bank_at(directory: Path) -> QuestionBank:
    return load_bank(directory)


def question_bank(settings: Settings) -> QuestionBank:
    """The validated bank under ``messages/questions``, loaded once per process."""
    return _bank_at(settings.messages_dir / "questions")


@dataclass(frozen=True)
class Asked:
    """A question of a quiz as it is put to someone: its row, bank entry and place."""

    row: QuizQuestion
    question: Question
    total: int

    @property
    def number(self) -> int:
        return self.row.position + 1


def user_attempts(session: Session, user_id: int) -> list[rules.Attempt]:
    rows = session.exec(
        select(QuizAnswer.question_id, QuizAnswer.correct, QuizAnswer.answered_at).where(
            QuizAnswer.user_id == user_id
        )
    ).all()
    return [rules.Attempt(qid, ok, at) for qid, ok, at in rows]


def _enterprise_attempts(session: Session, enterprise_id: int) -> list[rules.Attempt]:
    rows = session.exec(
        select(QuizAnswer.question_id, QuizAnswer.correct, QuizAnswer.answered_at).where(
            QuizAnswer.enterprise_id == enterprise_id
        )
    ).all()
    return [rules.Attempt(qid, ok, at) for qid, ok, at in rows]


def choose(
    bank: QuestionBank,
    sector: str,
    n: int,
    *,
    history: list[rules.Attempt],
    now: dt.datetime,
    seed: str,
    also_recent: set[str] | None = None,
    single_answer: bool = False,
) -> list[Question]:
    """``n`` questions of the sector: what was missed last time first, then unasked ones."""
    questions = bank.for_sector(sector, AUDIENCE)
    if single_answer:  # one button press answers a question: no multi-answer ones by button
        questions = [q for q in questions if len(q.correct) == 1]
    recent = rules.recently_asked(history, now) | (also_recent or set())
    missed = rules.missed_first(history)
    return pick_questions(
        questions,
        n,
        missed_first=missed,
        recently_asked=recent,
        rng=random.Random(seed),  # noqa: S311 - a replayable order, not a secret
    )


def create_quiz(
    session: Session,
    *,
    kind: QuizKind,
    chat_id: int,
    enterprise_id: int | None,
    questions: list[Question],
    now: dt.datetime,
    locale: str,
    **extra: Any,
) -> list[Asked]:
    """The quiz and its question rows (flushed, not committed); the caller sends and commits."""
    quiz = Quiz(
        kind=kind.value,
        chat_id=chat_id,
        enterprise_id=enterprise_id,
        locale=locale,
        created_at=now,
        **extra,
    )
    session.add(quiz)
    session.flush()
    rows = [
        QuizQuestion(quiz_id=quiz.id or 0, question_id=q.id, position=i)
        for i, q in enumerate(questions)
    ]
    session.add_all(rows)
    session.flush()
    return [Asked(row, q, len(questions)) for row, q in zip(rows, questions, strict=True)]


def start_group_quiz(
    session: Session, *, chat_id: int, n: int, bank: QuestionBank, now: dt.datetime
) -> tuple[Enterprise, list[Asked]]:
    """A group quiz of ``n`` questions for the chat's enterprise, in its language."""
    enterprise = require_active(session, chat_id)
    eid = enterprise.id or 0
    since = now - dt.timedelta(days=rules.RECENT_DAYS)
    posted = set(
        session.exec(
            select(QuizQuestion.question_id)
            .join(Quiz, col(Quiz.id) == QuizQuestion.quiz_id)
            .where(Quiz.enterprise_id == eid, col(Quiz.created_at) >= since)
        ).all()
    )
    questions = choose(
        bank,
        enterprise.sector,
        n,
        history=_enterprise_attempts(session, eid),
        now=now,
        seed=f"{chat_id}:{now.isoformat()}",
        also_recent=posted,
    )
    asked = create_quiz(
        session,
        kind=QuizKind.GROUP,
        chat_id=chat_id,
        enterprise_id=eid,
        questions=questions,
        now=now,
        locale=enterprise.locale,
        started_at=now,
    )
    session.commit()
    return enterprise, asked


def attach_sent(
    session: Session,
    *,
    quiz_question_id: int,
    message_id: int,
    now: dt.datetime,
    poll_id: str | None = None,
) -> None:
    """Remember the message (and poll) a question went out as: answers are looked up by it."""
    row = session.get(QuizQuestion, quiz_question_id)
    assert row is not None
    row.message_id, row.poll_id, row.sent_at = message_id, poll_id, now
    session.add(row)
    session.commit()


def set_quiz_message(session: Session, quiz_id: int, message_id: int) -> None:
    quiz = session.get(Quiz, quiz_id)
    assert quiz is not None
    quiz.message_id = message_id
    session.add(quiz)
    session.commit()


def insert_answer(session: Session, values: dict[str, Any]) -> bool:
    """INSERT … ON CONFLICT DO NOTHING; True if this was the person's first answer."""
    module: Any = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table = QuizAnswer.__table__  # type: ignore[attr-defined]
    result = session.execute(module.insert(table).values(**values).on_conflict_do_nothing())
    return bool(result.rowcount)  # type: ignore[attr-defined]


def answer_values(
    quiz: Quiz,
    row: QuizQuestion,
    *,
    user_id: int,
    user_name: str,
    chosen: list[int] | None,
    correct: bool,
    now: dt.datetime,
) -> dict[str, Any]:
    return {
        "quiz_question_id": row.id,
        "quiz_id": quiz.id,
        "enterprise_id": quiz.enterprise_id,
        "question_id": row.question_id,
        "user_id": user_id,
        "user_name": user_name[:120],
        "chosen": None if chosen is None else ",".join(map(str, sorted(chosen))),
        "correct": correct,
        "answered_at": now,
    }


def record_poll_answer(
    session: Session,
    *,
    poll_id: str,
    user_id: int,
    user_name: str,
    option_ids: list[int],
    now: dt.datetime,
    bank: QuestionBank,
) -> bool:
    """A vote on one of our group quiz polls, attributed to the voter; False if ignored.

    Unknown polls (someone else's, or from before a database reset), retracted votes and
    second votes are ignored: the first answer counts, as Telegram shows it.
    """
    row = session.exec(select(QuizQuestion).where(QuizQuestion.poll_id == poll_id)).first()
    quiz = session.get(Quiz, row.quiz_id) if row else None
    question = bank.find(row.question_id) if row else None
    if row is None or quiz is None or question is None or quiz.kind != QuizKind.GROUP:
        return False
    if not option_ids:  # a retracted vote: quiz polls do not allow it, the first answer stands
        return False
    values = answer_values(
        quiz,
        row,
        user_id=user_id,
        user_name=user_name,
        chosen=option_ids,
        correct=score(question.correct, option_ids),
        now=now,
    )
    inserted = insert_answer(session, values)
    session.commit()
    return inserted
