"""Offices and the enterprises they oversee: link codes, linking, and who may see what.

An enterprise admin issues a code; whoever redeems it in a chat makes that chat an office
of the enterprise. Codes are 12 characters from a 31-letter alphabet (about 59 bits, drawn
with ``secrets``), expire after 24 hours and work once: redeeming is a single conditional
UPDATE, so two chats racing for the same code cannot both win.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import Session, SQLModel, col, select

from bot.errors import (
    EnterpriseChatCannotLink,
    InvalidLinkCode,
    NotAnOffice,
    NotLinked,
)
from bot.store.models import Enterprise, Evidence, OccurrenceRow
from bot.store.office_models import LinkCode, Office, OfficeLink
from bot.store.upsert import insert_ignore

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud and retyped
CODE_LENGTH = 12
CODE_TTL = dt.timedelta(hours=24)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str) -> str:
    """What the person typed, without spaces or dashes, upper case (``abcd-efgh`` → ``ABCDEFGH``)."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def display_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def issue_code(
    session: Session, *, enterprise: Enterprise, user_id: int, now: dt.datetime
) -> LinkCode:
    """A fresh single-use code for ``enterprise``, valid for 24 hours."""
    assert enterprise.id is not None
    row = LinkCode(
        code=new_code(), enterprise_id=enterprise.id, created_by=user_id, expires_at=now + CODE_TTL
    )
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


def office_for_chat(session: Session, chat_id: int) -> Office | None:
    return session.exec(select(Office).where(Office.chat_id == chat_id)).first()


def move_chat(session: Session, *, old_chat_id: int, new_chat_id: int) -> Office | None:
    """A group became a supergroup: the office follows it to the new chat id, links and all.

    Everything else finds the office by its chat id (the weekly digest, the evidence links of
    its workbooks, ``/stats``), so they follow too. Nothing moves if the new chat is already
    an office (it was linked there before this news arrived).
    """
    office = office_for_chat(session, old_chat_id)
    if office is None or office_for_chat(session, new_chat_id) is not None:
        return None
    office.chat_id = new_chat_id
    session.add(office)
    session.commit()
    return office


def require_office(session: Session, chat_id: int) -> Office:
    office = office_for_chat(session, chat_id)
    if office is None:
        raise NotAnOffice()
    return office


def redeem(
    session: Session,
    *,
    code: str,
    chat_id: int,
    title: str,
    user_id: int,
    locale: str,
    timezone: str,
    now: dt.datetime,
) -> tuple[Office, Enterprise, bool]:
    """Link the chat (made an office if it is not one) to the code's enterprise.

    Returns (office, enterprise, newly linked). Enterprise chats cannot become offices: their
    ``/stats`` belongs to the enterprise.
    """
    if session.exec(select(Enterprise.id).where(Enterprise.chat_id == chat_id)).first():
        raise EnterpriseChatCannotLink()
    found = session.exec(select(LinkCode).where(LinkCode.code == normalize_code(code))).first()
    if found is None or found.used_at is not None or found.expires_at <= now:
        raise InvalidLinkCode()
    office = office_for_chat(session, chat_id)
    if office is None:
        office = Office(
            chat_id=chat_id, title=title[:120], locale=locale, timezone=timezone, created_at=now
        )
        session.add(office)
        session.flush()
    claimed = session.exec(
        update(LinkCode)
        .where(
            col(LinkCode.id) == found.id,
            col(LinkCode.used_at).is_(None),
            col(LinkCode.expires_at) > now,
        )
        .values(used_at=now, used_by_office_id=office.id)
    )
    if claimed.rowcount != 1:
        session.rollback()
        raise InvalidLinkCode()
    assert office.id is not None
    linked_before = link_exists(session, office.id, found.enterprise_id)
    insert_ignore(
        session,
        SQLModel.metadata.tables["office_link"],
        [
            {
                "office_id": office.id,
                "enterprise_id": found.enterprise_id,
                "created_at": now,
                "created_by": user_id,
            }
        ],
    )
    session.commit()
    enterprise = session.get(Enterprise, found.enterprise_id)
    assert enterprise is not None
    return office, enterprise, not linked_before


def link_exists(session: Session, office_id: int, enterprise_id: int) -> bool:
    return (
        session.exec(
            select(OfficeLink.id).where(
                OfficeLink.office_id == office_id, OfficeLink.enterprise_id == enterprise_id
            )
        ).first()
        is not None
    )


def enterprise_ids(session: Session, office_id: int) -> list[int]:
    """The enterprises an office sees (active or not: history stays visible)."""
    return list(
        session.exec(
            select(OfficeLink.enterprise_id)
            .where(OfficeLink.office_id == office_id)
            .order_by(col(OfficeLink.enterprise_id))
        ).all()
    )


def linked_enterprises(session: Session, office_id: int) -> list[Enterprise]:
    return list(
        session.exec(
            select(Enterprise)
            .join(OfficeLink, col(OfficeLink.enterprise_id) == col(Enterprise.id))
            .where(OfficeLink.office_id == office_id)
            .order_by(col(Enterprise.name))
        ).all()
    )


def offices_of(session: Session, enterprise_id: int) -> list[Office]:
    """The offices an enterprise reports to (shown to the enterprise, so it knows who watches)."""
    return list(
        session.exec(
            select(Office)
            .join(OfficeLink, col(OfficeLink.office_id) == col(Office.id))
            .where(OfficeLink.enterprise_id == enterprise_id)
            .order_by(col(Office.title))
        ).all()
    )


def visible_enterprise_ids(session: Session, chat_id: int) -> tuple[Office | None, list[int]]:
    """What a chat may report on: an office its linked enterprises, an enterprise group itself."""
    office = office_for_chat(session, chat_id)
    if office is not None:
        assert office.id is not None
        return office, enterprise_ids(session, office.id)
    enterprise = session.exec(select(Enterprise).where(Enterprise.chat_id == chat_id)).first()
    if enterprise is None or enterprise.id is None or not enterprise.active:
        raise NotAnOffice()
    return None, [enterprise.id]


def office_chats_for_occurrence(session: Session, occurrence_id: int) -> list[int]:
    """Chat ids of the offices that oversee the occurrence's enterprise (for evidence links)."""
    return list(
        session.exec(
            select(Office.chat_id)
            .join(OfficeLink, col(OfficeLink.office_id) == col(Office.id))
            .join(OccurrenceRow, col(OccurrenceRow.enterprise_id) == col(OfficeLink.enterprise_id))
            .where(OccurrenceRow.id == occurrence_id)
        ).all()
    )


@dataclass(frozen=True)
class EvidenceView:
    enterprise: Enterprise
    occurrence: OccurrenceRow
    items: list[Evidence]


def evidence_view(session: Session, occurrence_id: int) -> EvidenceView:
    """An occurrence with its evidence; the caller has checked the person may see it."""
    found = session.exec(
        select(Enterprise, OccurrenceRow)
        .join(OccurrenceRow, col(OccurrenceRow.enterprise_id) == col(Enterprise.id))
        .where(OccurrenceRow.id == occurrence_id)
    ).first()
    if found is None:
        raise NotLinked()
    items = session.exec(
        select(Evidence)
        .where(Evidence.occurrence_id == occurrence_id)
        .order_by(col(Evidence.created_at), col(Evidence.id))
    ).all()
    return EvidenceView(found[0], found[1], list(items))
