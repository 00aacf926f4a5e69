"""Tables of the office's web desk: the signing key, one-time login links and browser sessions.

A login link is a row (``desk_login``) plus an HMAC over its id and a random nonce; only the
nonce's SHA-256 is stored, so a database dump does not hold usable links. Opening the link
marks the row used and creates a ``desk_session`` in the same transaction. A session is
identified by a random cookie value whose SHA-256 is the row's ``token_hash``. Exactly one of
``office_id`` / ``enterprise_id`` says whose desk it is: an office (its linked enterprises,
looked up again on every request) or an enterprise admin (that one enterprise).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Column
from sqlmodel import Field, SQLModel

from bot.store.types import UTCDateTime


def _ts(*, nullable: bool = False) -> Column[dt.datetime]:
    return Column(UTCDateTime(), nullable=nullable)


class DeskKey(SQLModel, table=True):
    """The key login links are signed with when ``DESK_SECRET`` is not set (one row, id 1)."""

    __tablename__ = "desk_key"

    id: int | None = Field(default=None, primary_key=True)
    secret: str = Field(max_length=100)
    created_at: dt.datetime = Field(sa_column=_ts())


class DeskLogin(SQLModel, table=True):
    """A one-time login link sent privately after ``/web``."""

    __tablename__ = "desk_login"

    id: int | None = Field(default=None, primary_key=True)
    nonce_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    user_name: str = Field(default="", max_length=120)
    office_id: int | None = Field(default=None, foreign_key="office.id")
    enterprise_id: int | None = Field(default=None, foreign_key="enterprise.id")
    locale: str = Field(default="zh_CN", max_length=10)
    created_at: dt.datetime = Field(sa_column=_ts())
    expires_at: dt.datetime = Field(sa_column=_ts())
    used_at: dt.datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class DeskSession(SQLModel, table=True):
    """A browser logged in to the desk; gone for good once revoked or expired."""

    __tablename__ = "desk_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    login_id: int = Field(foreign_key="desk_login.id", unique=True)
    user_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    user_name: str = Field(default="", max_length=120)
    office_id: int | None = Field(default=None, foreign_key="office.id")
    enterprise_id: int | None = Field(default=None, foreign_key="enterprise.id")
    locale: str = Field(default="zh_CN", max_length=10)
    csrf_token: str = Field(max_length=64)
    user_agent: str = Field(default="", max_length=200)
    created_at: dt.datetime = Field(sa_column=_ts())
    last_seen_at: dt.datetime = Field(sa_column=_ts())
    expires_at: dt.datetime = Field(sa_column=_ts())
    revoked_at: dt.datetime | None = Field(default=None, sa_column=_ts(nullable=True))
