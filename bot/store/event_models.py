"""Events an enterprise logs in its chat (a new hire, a 三违 finding, an accident, a major
hazard notice …): each starts the catalog's duties of its trigger as one-off occurrences."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Column
from sqlmodel import Field, SQLModel

from bot.store.types import UTCDateTime


class Event(SQLModel, table=True):
    """One logged event; its occurrences carry the label ``event-<id>``."""

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    kind: str = Field(max_length=20)  # an id of schedules/events.yaml (hire, accident …)
    subject: str | None = Field(default=None, max_length=120)  # who or what, as typed
    deadline: dt.date | None = None  # the deadline a notice or plan sets
    happened_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    logged_by: int = Field(sa_column=Column(BigInteger, nullable=False))
