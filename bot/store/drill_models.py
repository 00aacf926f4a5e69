"""Tables of drills run in the chat: the drill, each person's step presses, the roll-call.

A drill is evidence of an obligation (emergency-drill, evacuation-drill per area), so what
happened is kept row by row rather than as a summary: who pressed which step when and in
which order, who reached the assembly point when and who marked them. Unique keys make
repeated presses idempotent (insert-ignore), so a double tap or a replayed update adds nothing.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import BigInteger, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.store.types import UTCDateTime


def _ts(*, nullable: bool = False) -> Column[dt.datetime]:
    return Column(UTCDateTime(), nullable=nullable)


class DrillStatus(StrEnum):
    RUNNING = "running"
    ENDED = "ended"  # report posted; waiting for the organizer's photo
    CONFIRMED = "confirmed"  # photo attached, obligation occurrence(s) confirmed


class Drill(SQLModel, table=True):
    """One drill in one enterprise's chat, from /drill to the photo that confirms it."""

    __table_args__ = (Index("ix_drill_enterprise_status", "enterprise_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprise.id")
    scenario: str = Field(max_length=40)
    area: str = Field(max_length=20)
    organizer_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    organizer_name: str = Field(max_length=120)
    expected_count: int | None = None
    started_at: dt.datetime = Field(sa_column=_ts())
    ended_at: dt.datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    status: str = Field(default=DrillStatus.RUNNING.value, max_length=12)
    scenario_message_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    headcount_message_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    report_message_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    # the evacuation-drill occurrence of the area, and the emergency-drill one, once confirmed
    occurrence_id: int | None = Field(default=None, foreign_key="occurrence.id")
    emergency_occurrence_id: int | None = Field(default=None, foreign_key="occurrence.id")
    photo_file_id: str | None = Field(default=None, max_length=200)


class DrillStep(SQLModel, table=True):
    """A person's first press of one of the five steps."""

    __tablename__ = "drill_step"
    __table_args__ = (UniqueConstraint("drill_id", "user_id", "step", name="uq_drill_step"),)

    id: int | None = Field(default=None, primary_key=True)
    drill_id: int = Field(foreign_key="drill.id", index=True)
    user_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    user_name: str = Field(max_length=120)
    step: str = Field(max_length=10)
    at: dt.datetime = Field(sa_column=_ts())
    in_order: bool


class DrillMuster(SQLModel, table=True):
    """Someone accounted for at the assembly point (by themselves, or marked by the organizer)."""

    __tablename__ = "drill_muster"
    __table_args__ = (UniqueConstraint("drill_id", "user_id", name="uq_drill_muster"),)

    id: int | None = Field(default=None, primary_key=True)
    drill_id: int = Field(foreign_key="drill.id", index=True)
    user_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    user_name: str = Field(max_length=120)
    at: dt.datetime = Field(sa_column=_ts())
    marked_by: int | None = Field(default=None, sa_column=Column(BigInteger))
