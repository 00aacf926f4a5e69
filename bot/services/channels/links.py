"""Signed, expiring links to the confirmation page, and the page's signed "who am I" cookie.

A robot (WeCom, DingTalk, Feishu) cannot take a button press, so each open item of a robot
message carries a link: ``<DESK_BASE_URL>/confirm/<enterprise>.<occurrence>.<expires>.<mac>``,
the MAC an HMAC-SHA256 (truncated to 128 bits) over the first three parts. A changed digit
fails the MAC before the database is asked; a link past ``expires`` (seven days after the
message) is refused. The key is derived from DESK_SECRET, or else from the bot's token, so
every instance signs and checks alike without a database round trip; changing either ends
the links already sent (the next reminder brings new ones).

Without DESK_BASE_URL there is no page to link to: ``confirm_url`` gives ``""`` and the robot
message shows its items without links (``safetybot channels add`` warns about it).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from bot.config import Settings

CONFIRM_PATH = "/confirm/"
LINK_VALIDITY = dt.timedelta(days=7)
_MAC_BYTES = 16


class BadLink(Exception):
    """A confirmation link that cannot be honoured: ``reason`` ``link_invalid`` (tampered,
    cut short) or ``link_expired``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class LinkTarget:
    enterprise_id: int
    occurrence_id: int
    expires_at: dt.datetime


def link_key(settings: Settings) -> bytes:
    """The links' key: derived from DESK_SECRET, else from the bot token (never used raw)."""
    if settings.desk_secret is not None:
        base = settings.desk_secret.get_secret_value()
    elif settings.telegram_bot_token is not None:
        base = settings.telegram_bot_token.get_secret_value()
    else:
        raise RuntimeError("confirmation links need DESK_SECRET or TELEGRAM_BOT_TOKEN")
    return hmac.new(base.encode(), b"safetybot confirmation page", hashlib.sha256).digest()


def _mac(key: bytes, text: str) -> str:
    digest = hmac.new(key, text.encode(), hashlib.sha256).digest()[:_MAC_BYTES]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def make_token(key: bytes, enterprise_id: int, occurrence_id: int, expires: int) -> str:
    body = f"{enterprise_id}.{occurrence_id}.{expires}"
    return f"{body}.{_mac(key, 'confirm:' + body)}"


def confirm_url(
    settings: Settings, enterprise_id: int, occurrence_id: int, now: dt.datetime
) -> str:
    """The page where ``occurrence_id`` of ``enterprise_id`` is confirmed, valid for seven
    days from ``now``; ``""`` when the web server has no public address (DESK_BASE_URL)."""
    if not settings.desk_base_url:
        return ""
    expires = int((now + LINK_VALIDITY).timestamp())
    token = make_token(link_key(settings), enterprise_id, occurrence_id, expires)
    return f"{settings.desk_base_url}{CONFIRM_PATH}{token}"


def read_token(key: bytes, token: str, *, now: dt.datetime) -> LinkTarget:
    """What a link's token names, if it is ours and still valid; ``BadLink`` otherwise."""
    parts = token.split(".")
    if len(parts) != 4 or not all(p.isdigit() and len(p) <= 18 for p in parts[:3]):
        raise BadLink("link_invalid")
    body = ".".join(parts[:3])
    if not hmac.compare_digest(parts[3].encode(), _mac(key, "confirm:" + body).encode()):
        raise BadLink("link_invalid")
    expires_at = dt.datetime.fromtimestamp(int(parts[2]), dt.UTC)
    if now >= expires_at:
        raise BadLink("link_expired")
    return LinkTarget(int(parts[0]), int(parts[1]), expires_at)


# --- the person on this device ---------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """Who confirms from this device: a roster member's id, or an id of ours
    (``PAGE_PERSON_BASE`` + n) for a name typed on the page."""

    user_id: int
    name: str


PAGE_PERSON_BASE = 8_000_000_000_000_000  # never a Telegram user id (those stay far below)


def person_cookie(key: bytes, person: Person) -> str:
    name = base64.urlsafe_b64encode(person.name.encode()).decode().rstrip("=")
    body = f"{person.user_id}.{name}"
    return f"{body}.{_mac(key, 'person:' + body)}"


def read_person(key: bytes, value: str | None) -> Person | None:
    """The person a cookie names, if we signed it (anything else: nobody)."""
    parts = (value or "").split(".")
    if len(parts) != 3 or not parts[0].isdigit() or len(parts[0]) > 18:
        return None
    body = f"{parts[0]}.{parts[1]}"
    if not hmac.compare_digest(parts[2].encode(), _mac(key, "person:" + body).encode()):
        return None
    try:
        name = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)).decode()
    except ValueError:
        return None
    return Person(int(parts[0]), name) if name else None
