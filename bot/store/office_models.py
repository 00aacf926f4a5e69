"""Tables for office staff (安委办, an enterprise's safety office) who oversee enterprises.

An office is a chat (a private chat with one person, or an office group); it sees only the
enterprises linked to it. A link is made by redeeming a one-time code an enterprise admin
issued, so the enterprise decides who may watch it. An enterprise may report to several
offices and an office may oversee many enterprises: ``office_link`` is the many-to-many.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel, col

from bot.store.models import OccurrenceRow
from bot.store.types import UTCDateTime


def _ts(*, nullable: bool = False) -> Column[dt.datetime]:
    return Column(UTCDateTime(), nullable=nullable)


class Office(SQLModel, table=True):
    """A chat that receives statistics, reports and the weekly digest for its enterprises."""

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_column=Column(BigInteger, unique=True, nullable=False))
    title: str = Field(max_length=120)
    locale: str = Field(default="zh_CN", max_length=10)
    timezone: str = Field(default="Asia/Shanghai", max_length=40)
    created_at: dt.datetime = Field(sa_column=_ts())
    # The Monday (local date) of the last weekly digest claimed for this office; the claim is
    # an atomic UPDATE, so several bot processes never send the same week's digest twice.
    digest_week: dt.date | None = None


class OfficeLink(SQLModel, table=True):
    """``office`` oversees ``enterprise`` (made by redeeming a link code)."""

    __tablename__ = "office_link"
    __table_args__ = (
        UniqueConstraint("office_id", "enterprise_id", name="uq_office_link"),
        Index("ix_office_link_enterprise", "enterprise_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id")
    enterprise_id: int = Field(foreign_key="enterprise.id")
    created_at: dt.datetime = Field(sa_column=_ts())
    created_by: int = Field(sa_column=Column(BigInteger, nullable=False))


class LinkCode(SQLModel, table=True):
    """A short-lived, single-use code that lets one office link to ``enterprise``."""

    __tablename__ = "link_code"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    created_by: int = Field(sa_column=Column(BigInteger, nullable=False))
    expires_at: dt.datetime = Field(sa_column=_ts())
    used_at: dt.datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    used_by_office_id: int | None = Field(default=None, foreign_key="office.id")


# Office statistics count what was completed when, per obligation (drills done in a period).
# No enterprise_id in front, so planners never prefer it to (enterprise_id, due_at) for the
# period queries. Declared here, beside the queries' other tables; created by migration 0003.
OCCURRENCE_COMPLETIONS = Index(
    "ix_occurrence_completions",
    col(OccurrenceRow.obligation_id),
    col(OccurrenceRow.status),
    col(OccurrenceRow.done_at),
)
