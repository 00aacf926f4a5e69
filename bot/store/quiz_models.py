"""Tables of the 逢查必考 knowledge checks: quizzes, their questions, answers and retraining.

Quiz polls are answered through ``poll_answer`` updates that carry no chat, so every poll id
the bot posts is a row here (``quiz_question.poll_id``): the database, not memory, says which
quiz and enterprise an answer belongs to, and survives a restart between question and answer.
Question texts are not stored, only bank ids: the bank may be reworded, the history stays.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import BigInteger, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.store.types import UTCDateTime


def _ts(*, nullable: bool = False) -> Column[dt.datetime]:
    return Column(UTCDateTime(), nullable=nullable)


class QuizKind(StrEnum):
    GROUP = "group"  # quiz polls in the enterprise group, anyone may answer
    PRIVATE = "private"  # a worker practising alone with buttons and explanations
    CHECK = "check"  # a spot check (逢查必考) in private, timed, with a pass mark
    RETEST = "retest"  # the retest after retraining, same rules as a check


EXAM_KINDS = (QuizKind.CHECK.value, QuizKind.RETEST.value)


class SpotCheck(SQLModel, table=True):
    """One ``/check`` in a group: the announcement that named workers or volunteers answer to."""

    __tablename__ = "spot_check"

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    message_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    started_by: int = Field(sa_column=Column(BigInteger, nullable=False))
    created_at: dt.datetime = Field(sa_column=_ts())


class Quiz(SQLModel, table=True):
    """A set of questions put to a group or one person; exams also have a deadline and verdict."""

    __table_args__ = (Index("ix_quiz_open_deadline", "finished_at", "deadline"),)

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int | None = Field(default=None, foreign_key="enterprise.id", index=True)
    spot_check_id: int | None = Field(default=None, foreign_key="spot_check.id", index=True)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    kind: str = Field(max_length=10)
    user_id: int | None = Field(default=None, sa_column=Column(BigInteger, index=True))
    user_name: str | None = Field(default=None, max_length=120)
    locale: str = Field(default="zh_CN", max_length=10)
    created_at: dt.datetime = Field(sa_column=_ts())
    started_at: dt.datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    deadline: dt.datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    finished_at: dt.datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    correct: int | None = None
    total: int | None = None
    passed: bool | None = None
    # A message outside the questions the bot keeps editing: the group quiz's results footer.
    message_id: int | None = Field(default=None, sa_column=Column(BigInteger))


class QuizQuestion(SQLModel, table=True):
    """Question ``position`` of a quiz: a bank id, and the poll or message it was sent as."""

    __tablename__ = "quiz_question"
    __table_args__ = (UniqueConstraint("quiz_id", "position", name="uq_quiz_position"),)

    id: int | None = Field(default=None, primary_key=True)
    quiz_id: int = Field(foreign_key="quiz.id", index=True)
    question_id: str = Field(max_length=40)
    position: int
    poll_id: str | None = Field(default=None, max_length=64, unique=True)
    message_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    sent_at: dt.datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class QuizAnswer(SQLModel, table=True):
    """One person's answer to one quiz question; the first answer counts, as in a quiz poll.

    ``chosen`` is the comma-separated option indexes, or None for a question left unanswered
    when an exam's time ran out (it counts wrong, but not as "answered" in the statistics).
    """

    __tablename__ = "quiz_answer"
    __table_args__ = (
        UniqueConstraint("quiz_question_id", "user_id", name="uq_quiz_answer"),
        Index("ix_quiz_answer_enterprise_time", "enterprise_id", "answered_at"),
        Index("ix_quiz_answer_user", "user_id", "answered_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    quiz_question_id: int = Field(foreign_key="quiz_question.id")
    quiz_id: int = Field(foreign_key="quiz.id", index=True)
    enterprise_id: int | None = Field(default=None, foreign_key="enterprise.id")
    question_id: str = Field(max_length=40)
    user_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    user_name: str = Field(max_length=120)
    chosen: str | None = Field(default=None, max_length=40)
    correct: bool
    answered_at: dt.datetime = Field(sa_column=_ts())


class Retraining(SQLModel, table=True):
    """A worker who failed a check: study, then a retest from ``due_at`` until one is passed."""

    __table_args__ = (Index("ix_retraining_open", "enterprise_id", "passed_at"),)

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprise.id")
    user_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    user_name: str = Field(max_length=120)
    check_quiz_id: int = Field(foreign_key="quiz.id")
    created_at: dt.datetime = Field(sa_column=_ts())
    due_at: dt.datetime = Field(sa_column=_ts())
    attempts: int = 0  # retests failed so far
    retest_quiz_id: int | None = Field(default=None, foreign_key="quiz.id")
    reminded_at: dt.datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    passed_at: dt.datetime | None = Field(default=None, sa_column=_ts(nullable=True))
