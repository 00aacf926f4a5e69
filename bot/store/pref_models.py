"""Per-user preferences that outlive a conversation: for now, the language of a private chat.

A group's language belongs to its enterprise (``Enterprise.locale``); a private chat has no
enterprise, so the user's explicit choice is kept here. Without a row, Telegram's
``language_code`` decides.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Column
from sqlmodel import Field, SQLModel

from bot.store.types import UTCDateTime


class UserPref(SQLModel, table=True):
    """A user's own settings, one row per Telegram user."""

    __tablename__ = "user_pref"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(BigInteger, unique=True, nullable=False))
    locale: str = Field(max_length=10)
    updated_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
