"""Desk sessions: find the one a cookie names, what it may see, list and revoke a person's.

What a session may see is computed on every request from the office's links (an office
unlinked since login loses the enterprise at once); an enterprise admin's session sees its
one enterprise. A revoked or expired session is never found again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.i18n import SUPPORTED_LOCALES
from bot.services.desk.login import sha256
from bot.services.office import linking as offices
from bot.store.desk_models import DeskSession
from bot.store.models import Enterprise
from bot.store.office_models import Office

# last_seen_at is written at most this often (not on every page view).
SEEN_RESOLUTION = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class SessionView:
    """One line of the sessions page."""

    id: int
    created_at: dt.datetime
    last_seen_at: dt.datetime
    expires_at: dt.datetime
    user_agent: str
    desk_name: str  # the office's or the enterprise's name
    current: bool


def active_session(session: Session, token: str, *, now: dt.datetime) -> DeskSession | None:
    """The live session whose cookie value is ``token`` (None: unknown, revoked or expired)."""
    if not token or len(token) > 200:
        return None
    row = session.exec(select(DeskSession).where(DeskSession.token_hash == sha256(token))).first()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    return row


def visible_enterprises(session: Session, row: DeskSession) -> frozenset[int]:
    """The enterprise ids this session may see, from the database as it is now."""
    if row.office_id is not None:
        return frozenset(offices.enterprise_ids(session, row.office_id))
    assert row.enterprise_id is not None
    return (
        frozenset({row.enterprise_id})
        if session.get(Enterprise, row.enterprise_id)
        else frozenset()
    )


def seen(session: Session, row: DeskSession, *, now: dt.datetime, locale: str | None) -> None:
    """Record activity (at most once a minute) and a language switch (``?lang=``)."""
    values: dict[str, object] = {}
    if now - row.last_seen_at >= SEEN_RESOLUTION:
        values["last_seen_at"] = now
    if locale in SUPPORTED_LOCALES and locale != row.locale:
        values["locale"] = locale
    if values:
        session.execute(update(DeskSession).where(col(DeskSession.id) == row.id).values(**values))
        session.commit()
        for name, value in values.items():
            setattr(row, name, value)


def desk_name(session: Session, row: DeskSession) -> str:
    if row.office_id is not None:
        office = session.get(Office, row.office_id)
        return office.title if office else ""
    enterprise = session.get(Enterprise, row.enterprise_id) if row.enterprise_id else None
    return enterprise.name if enterprise else ""


def sessions_of(
    session: Session, *, user_id: int, current_id: int, now: dt.datetime
) -> list[SessionView]:
    """The person's live sessions, newest first."""
    rows = session.exec(
        select(DeskSession)
        .where(
            DeskSession.user_id == user_id,
            col(DeskSession.revoked_at).is_(None),
            col(DeskSession.expires_at) > now,
        )
        .order_by(col(DeskSession.created_at).desc(), col(DeskSession.id).desc())
    ).all()
    return [
        SessionView(
            id=r.id or 0,
            created_at=r.created_at,
            last_seen_at=r.last_seen_at,
            expires_at=r.expires_at,
            user_agent=r.user_agent,
            desk_name=desk_name(session, r),
            current=r.id == current_id,
        )
        for r in rows
    ]


def revoke(session: Session, *, user_id: int, session_id: int, now: dt.datetime) -> bool:
    """End one of the person's own live sessions; False when there is no such session."""
    result = session.execute(
        update(DeskSession)
        .where(
            col(DeskSession.id) == session_id,
            col(DeskSession.user_id) == user_id,
            col(DeskSession.revoked_at).is_(None),
        )
        .values(revoked_at=now)
    )
    session.commit()
    return bool(result.rowcount)  # type: ignore[attr-defined]
