"""Where each evidence file and hazard photo is kept in our own storage.

One row per file that arrived (a confirmation's photo or document, a hazard photo): written
when it arrives, with Telegram's file id, so a download that failed is fetched again later
(``next_attempt_at``); ``key`` … ``stored_at`` once it is stored. The retention purge deletes
the stored file and sets ``purged_at``; the row stays, saying the file existed and when it went.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.store.types import UTCDateTime

EVIDENCE, HAZARD_PHOTO = "evidence", "hazard_photo"  # what ``source_id`` points at


def _ts(*, nullable: bool = False) -> Column[dt.datetime]:
    return Column(UTCDateTime(), nullable=nullable)


class StoredFile(SQLModel, table=True):
    """An ``evidence`` row's or a ``hazard_photo`` row's file in the evidence store."""

    __tablename__ = "stored_file"
    __table_args__ = (
        UniqueConstraint("source", "source_id", name="uq_stored_file_source"),
        Index("ix_stored_file_enterprise_received", "enterprise_id", "received_at"),
        Index("ix_stored_file_stored", "stored_at", "purged_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprise.id")
    source: str = Field(max_length=12)
    source_id: int
    kind: str = Field(max_length=12)  # photo | document
    file_id: str = Field(max_length=200)  # Telegram's, kept for a later try
    file_name: str | None = Field(default=None, max_length=200)  # a document's own name
    received_at: dt.datetime = Field(sa_column=_ts())
    key: str | None = Field(default=None, max_length=300)
    size: int | None = None
    content_type: str | None = Field(default=None, max_length=120)
    sha256: str | None = Field(default=None, max_length=64)
    stored_at: dt.datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    attempts: int = 0
    next_attempt_at: dt.datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    refused: str | None = Field(default=None, max_length=20)  # too_large | wrong_type | gone
    purged_at: dt.datetime | None = Field(default=None, sa_column=_ts(nullable=True))
