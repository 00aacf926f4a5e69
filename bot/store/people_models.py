"""Tables of people's records: who works where in which role, their certificates, their hours.

A ``Person`` is someone of an enterprise the bot keeps records for: usually a roster member
(with a Telegram user id), possibly someone without Telegram whom the officer records. A
renewed certificate is a new ``Certificate`` row; the old one is kept with ``replaced_by_id``
set, so the ledger shows the history. Training hours are rows of a ledger; hours the bot counts
itself carry a ``source_ref`` (``drill:12``) that is unique per person, so a drill is never
counted twice. Reminders of a certificate are rows of the one outbox (``reminder``) with
``certificate_id`` and ``recipient_id`` set.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.store.types import UTCDateTime

__all__ = ["Certificate", "PeopleDraft", "Person", "TrainingRecord"]


def _ts(*, nullable: bool = False) -> Column[dt.datetime]:
    return Column(UTCDateTime(), nullable=nullable)


class Person(SQLModel, table=True):
    __tablename__ = "person"
    __table_args__ = (
        UniqueConstraint("enterprise_id", "user_id", name="uq_person_user"),
        Index("ix_person_enterprise", "enterprise_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprise.id")
    user_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    name: str = Field(max_length=120)
    role: str = Field(default="worker", max_length=12)  # principal | manager | special | worker
    joined_on: dt.date | None = None  # joined the enterprise or took the role (岗前 hours)
    created_at: dt.datetime = Field(sa_column=_ts())


class Certificate(SQLModel, table=True):
    __tablename__ = "certificate"
    __table_args__ = (Index("ix_certificate_person", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id")
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    kind: str = Field(max_length=40)
    category: str | None = Field(default=None, max_length=40)
    number: str = Field(max_length=60)
    issued_on: dt.date
    expires_on: dt.date | None = None
    last_review_on: dt.date | None = None
    photo_file_id: str | None = Field(default=None, max_length=200)
    recorded_by: int = Field(sa_column=Column(BigInteger, nullable=False))
    recorded_at: dt.datetime = Field(sa_column=_ts())
    replaced_by_id: int | None = Field(default=None, foreign_key="certificate.id")


class TrainingRecord(SQLModel, table=True):
    __tablename__ = "training_record"
    __table_args__ = (
        UniqueConstraint("person_id", "source_ref", name="uq_training_source"),
        Index("ix_training_enterprise_day", "enterprise_id", "day"),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    enterprise_id: int = Field(foreign_key="enterprise.id")
    day: dt.date  # the local day of the training
    category: str = Field(max_length=20)
    hours: float
    source: str = Field(default="manual", max_length=12)  # manual | drill | spot_check
    source_ref: str | None = Field(default=None, max_length=40)
    recorded_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    recorded_at: dt.datetime = Field(sa_column=_ts())


class PeopleDraft(SQLModel, table=True):
    """What someone is entering in private, step by step (one draft per person at a time)."""

    __tablename__ = "people_draft"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(BigInteger, nullable=False, unique=True))
    enterprise_id: int = Field(foreign_key="enterprise.id")
    step: str = Field(max_length=20)
    data: str = Field(default="{}", max_length=2000)  # JSON of the answers so far
    updated_at: dt.datetime = Field(sa_column=_ts())
