"""Tables of the 隐患排查治理 loop: a hazard from its report to 销号, step by step.

Nothing here is ever deleted: a mistaken report is closed as invalid with its reason, a
rectification sent back stays in the steps, and every change of a hazard writes a
``HazardStep`` (who, when, what). Photos are Telegram file ids, sendable back; the stage
says whether a photo shows the hazard as found or as rectified.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.domain.hazard_states import HazardGrade, HazardStatus
from bot.store.types import UTCDateTime

__all__ = [
    "Hazard",
    "HazardGrade",
    "HazardPhoto",
    "HazardStatus",
    "HazardStep",
    "SelfCheck",
    "SelfCheckAnswer",
]


def _ts(*, nullable: bool = False) -> Column[dt.datetime]:
    return Column(UTCDateTime(), nullable=nullable)


class Hazard(SQLModel, table=True):
    """One reported hazard of one enterprise; ``number`` counts per enterprise (隐患 #12)."""

    __table_args__ = (
        UniqueConstraint("enterprise_id", "number", name="uq_hazard_number"),
        Index("ix_hazard_enterprise_status", "enterprise_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprise.id")
    number: int
    reported_by: int = Field(sa_column=Column(BigInteger, nullable=False))
    reporter_name: str = Field(max_length=120)
    anonymous: bool = False  # shown to the group without the reporter's name
    private: bool = False  # reported in a private chat with the bot
    description: str = Field(max_length=1000)
    location: str = Field(max_length=200)
    reported_at: dt.datetime = Field(sa_column=_ts())
    status: str = Field(default=HazardStatus.REPORTED.value, max_length=12)
    grade: str | None = Field(default=None, max_length=8)
    standard_item: str | None = Field(default=None, max_length=120)  # ``<standard>#<clause>``
    graded_by: int | None = Field(default=None, sa_column=Column(BigInteger))
    graded_at: dt.datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    # 五落实: responsible person (from the roster), measures, funds, deadline, contingency plan
    responsible_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    responsible_name: str | None = Field(default=None, max_length=120)
    measures: str | None = Field(default=None, max_length=1000)
    funds: str | None = Field(default=None, max_length=200)
    deadline: dt.date | None = None  # the last day, in the enterprise's time zone
    plan: str | None = Field(default=None, max_length=1000)  # 应急预案 (major hazards)
    rectified_at: dt.datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    rectified_by: int | None = Field(default=None, sa_column=Column(BigInteger))
    closed_at: dt.datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    closed_by: int | None = Field(default=None, sa_column=Column(BigInteger))
    closed_by_name: str | None = Field(default=None, max_length=120)
    # follow-up: the major hazard reported to the linked offices; the last reminder's local
    # day; when the overdue hazard was escalated (once)
    office_reported_at: dt.datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    reminded_on: dt.date | None = None
    escalated_at: dt.datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    # the card in the group (edited as the hazard moves on)
    card_chat_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    card_message_id: int | None = Field(default=None, sa_column=Column(BigInteger))


class HazardStep(SQLModel, table=True):
    """One change of a hazard: who did what, when, with what text (a reason, a plan)."""

    __tablename__ = "hazard_step"

    id: int | None = Field(default=None, primary_key=True)
    hazard_id: int = Field(foreign_key="hazard.id", index=True)
    action: str = Field(max_length=20)
    user_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    user_name: str = Field(max_length=120)
    at: dt.datetime = Field(sa_column=_ts())
    detail: str | None = Field(default=None, max_length=1000)


class HazardPhoto(SQLModel, table=True):
    """A photo of the hazard as found (``found``) or after its rectification (``rectified``)."""

    __tablename__ = "hazard_photo"
    __table_args__ = (UniqueConstraint("hazard_id", "file_unique_id", name="uq_hazard_photo"),)

    id: int | None = Field(default=None, primary_key=True)
    hazard_id: int = Field(foreign_key="hazard.id", index=True)
    stage: str = Field(max_length=10)
    file_id: str = Field(max_length=200)
    file_unique_id: str = Field(max_length=100)
    user_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    at: dt.datetime = Field(sa_column=_ts())


class SelfCheck(SQLModel, table=True):
    """A ``/selfcheck`` run of one standard by one person (resumable until finished)."""

    __tablename__ = "self_check"
    __table_args__ = (Index("ix_self_check_user", "user_id", "finished_at"),)

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    user_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    user_name: str = Field(max_length=120)
    standard_id: str = Field(max_length=60)
    started_at: dt.datetime = Field(sa_column=_ts())
    finished_at: dt.datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class SelfCheckAnswer(SQLModel, table=True):
    """One item's answer in a self-check: ``yes`` (the situation exists), ``no`` or ``na``."""

    __tablename__ = "self_check_answer"
    __table_args__ = (UniqueConstraint("self_check_id", "item", name="uq_self_check_item"),)

    id: int | None = Field(default=None, primary_key=True)
    self_check_id: int = Field(foreign_key="self_check.id", index=True)
    item: str = Field(max_length=120)  # ``<standard>#<clause>``
    answer: str = Field(max_length=4)
    at: dt.datetime = Field(sa_column=_ts())
    hazard_id: int | None = Field(default=None, foreign_key="hazard.id")


class HazardPrompt(SQLModel, table=True):
    """A question the bot asked with ForceReply in the hazard loop, and the answers so far.

    ``step`` names what the reply answers (a description, a location, a reason, one of the
    五落实, after-photos, …); ``draft`` holds the earlier answers of a multi-step flow as JSON.
    A reply counts only from ``user_id`` to the prompt ``message_id`` in ``chat_id``.
    """

    __tablename__ = "hazard_prompt"
    __table_args__ = (UniqueConstraint("chat_id", "message_id", name="uq_hazard_prompt"),)

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    message_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    user_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    enterprise_id: int = Field(foreign_key="enterprise.id")
    hazard_id: int | None = Field(default=None, foreign_key="hazard.id")
    step: str = Field(max_length=20)
    draft: str = Field(default="{}", max_length=4000)
    created_at: dt.datetime = Field(sa_column=_ts())


class HazardNotice(SQLModel, table=True):
    """One recipient's copy of a follow-up with several recipients (``kind``: ``upward``, the
    report of a major hazard to an office; ``escalation``, per deadline in ``round``): written
    before it is sent, removed again if it must be retried, so a retry skips who has it."""

    __tablename__ = "hazard_notice"
    __table_args__ = (
        UniqueConstraint("hazard_id", "kind", "round", "chat_id", name="uq_hazard_notice"),
    )

    id: int | None = Field(default=None, primary_key=True)
    hazard_id: int = Field(foreign_key="hazard.id")
    kind: str = Field(max_length=12)
    round: str = Field(default="", max_length=12)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    sent_at: dt.datetime = Field(sa_column=_ts())
