"""One-time login links to the desk: issued after ``/web``, redeemed once by a browser.

A link carries ``<id>.<nonce>.<mac>``: the ``desk_login`` row, a random nonce (stored only as
its SHA-256) and an HMAC-SHA256 over both with the desk key. A tampered link fails the MAC
before the database is asked; an expired or used one is refused by its row. Redeeming marks
the row used with a conditional UPDATE in the transaction that opens the session, so two
browsers racing with the same link get one session between them.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from bot.store.desk_models import DeskKey, DeskLogin, DeskSession

LINK_VALIDITY = dt.timedelta(minutes=10)
LOGIN_PATH = "/desk/login"


class LinkRefused(Exception):
    """A login link that cannot open a session; ``reason`` names why (the page shown,
    ``desk/reasons/<reason>``): ``link_invalid``, ``link_expired`` or ``link_used``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Opened:
    """A session just opened: the cookie value (never stored) and its row."""

    token: str
    row: DeskSession


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def desk_key(session: Session, configured: str | None, *, now: dt.datetime) -> bytes:
    """The signing key: DESK_SECRET, else the one kept in the database (made on first use)."""
    if configured:
        return configured.encode()
    row = session.get(DeskKey, 1)
    if row is None:
        try:
            with session.begin_nested():
                session.add(DeskKey(id=1, secret=secrets.token_urlsafe(48), created_at=now))
            session.commit()
        except IntegrityError:  # another instance made it first
            session.rollback()
        row = session.get(DeskKey, 1)
        assert row is not None
    return row.secret.encode()


def _mac(key: bytes, login_id: int, nonce: str) -> str:
    digest = hmac.new(key, f"desk-login:{login_id}.{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def issue_link(
    session: Session,
    *,
    key: bytes,
    base_url: str,
    user_id: int,
    user_name: str,
    office_id: int | None,
    enterprise_id: int | None,
    locale: str,
    now: dt.datetime,
) -> str:
    """A new login link (absolute URL) for an office's desk or an enterprise admin's."""
    assert (office_id is None) != (enterprise_id is None)
    nonce = secrets.token_urlsafe(24)
    row = DeskLogin(
        nonce_hash=sha256(nonce), user_id=user_id, user_name=user_name[:120],
        office_id=office_id, enterprise_id=enterprise_id, locale=locale,
        created_at=now, expires_at=now + LINK_VALIDITY,
    )  # fmt: skip
    session.add(row)
    session.flush()
    assert row.id is not None
    token = f"{row.id}.{nonce}.{_mac(key, row.id, nonce)}"
    session.commit()
    return f"{base_url}{LOGIN_PATH}?t={token}"


def _verified(key: bytes, token: str) -> tuple[int, str]:
    parts = token.split(".")
    if len(parts) != 3 or not parts[0].isdigit() or len(parts[0]) > 18:
        raise LinkRefused("link_invalid")
    login_id, nonce, mac = int(parts[0]), parts[1], parts[2]
    if not hmac.compare_digest(mac.encode(), _mac(key, login_id, nonce).encode()):
        raise LinkRefused("link_invalid")
    return login_id, nonce


def redeem(
    session: Session,
    *,
    key: bytes,
    token: str,
    user_agent: str,
    session_hours: int,
    now: dt.datetime,
) -> Opened:
    """Open a session for a valid, unused, unexpired link; raises ``LinkRefused`` otherwise."""
    login_id, nonce = _verified(key, token)
    login = session.get(DeskLogin, login_id)
    if login is None or not hmac.compare_digest(login.nonce_hash, sha256(nonce)):
        raise LinkRefused("link_invalid")
    if login.used_at is not None:
        raise LinkRefused("link_used")
    if login.expires_at <= now:
        raise LinkRefused("link_expired")
    claimed = session.execute(
        update(DeskLogin)
        .where(col(DeskLogin.id) == login_id, col(DeskLogin.used_at).is_(None))
        .values(used_at=now)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        raise LinkRefused("link_used")
    token_value = secrets.token_urlsafe(32)
    row = DeskSession(
        token_hash=sha256(token_value), login_id=login_id, user_id=login.user_id,
        user_name=login.user_name, office_id=login.office_id, enterprise_id=login.enterprise_id,
        locale=login.locale, csrf_token=secrets.token_urlsafe(32), user_agent=user_agent[:200],
        created_at=now, last_seen_at=now, expires_at=now + dt.timedelta(hours=session_hours),
    )  # fmt: skip
    session.add(row)
    session.commit()
    return Opened(token_value, row)
