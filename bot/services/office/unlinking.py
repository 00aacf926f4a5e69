"""Undoing what linking made: an enterprise drops an office, an office drops an enterprise,
and an enterprise revokes the link codes it issued that nobody redeemed.

Who may do it is the caller's check (enterprise managers on one side, the office chat's admins
on the other); these functions only change rows, each in one commit, and change nothing when
what they were asked to remove is not there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import delete
from sqlmodel import Session, col, func, select

from bot.errors import AmbiguousLink, LinkGone, NoSuchLink
from bot.store.models import Enterprise
from bot.store.office_models import LinkCode, Office, OfficeLink

T = TypeVar("T")


@dataclass(frozen=True)
class Unlinked:
    office: Office
    enterprise: Enterprise


def unlink(session: Session, *, office_id: int, enterprise_id: int) -> Unlinked:
    """Remove the link: the office no longer sees the enterprise (stats, reports, digest,
    evidence links). The enterprise's history stays; a new code links them again."""
    link = session.exec(
        select(OfficeLink).where(
            OfficeLink.office_id == office_id, OfficeLink.enterprise_id == enterprise_id
        )
    ).first()
    office, enterprise = session.get(Office, office_id), session.get(Enterprise, enterprise_id)
    if link is None or office is None or enterprise is None:
        raise LinkGone()
    session.delete(link)
    session.commit()
    return Unlinked(office, enterprise)


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def pick_by_name(candidates: Sequence[T], name: Callable[[T], str], given: str) -> T:
    """The one candidate whose name is ``given`` (case and spacing aside); else a clear error."""
    wanted = _folded(given)
    found = [c for c in candidates if _folded(name(c)) == wanted]
    if not found:
        raise NoSuchLink(given=given)
    if len(found) > 1:
        raise AmbiguousLink(given=given)
    return found[0]


def revoke_codes(session: Session, *, enterprise_id: int, now: dt.datetime) -> int:
    """Delete the enterprise's unredeemed codes; returns how many could still have been used.

    A code is one row that nothing refers to until it is redeemed, so deleting it is the whole
    revocation: redeeming looks the code up and finds nothing. Redeemed codes stay as history.
    """
    unused = (col(LinkCode.enterprise_id) == enterprise_id, col(LinkCode.used_at).is_(None))
    live = session.exec(select(func.count()).where(*unused, col(LinkCode.expires_at) > now)).one()
    session.exec(delete(LinkCode).where(*unused))
    session.commit()
    return int(live)
