"""Evidence for an occurrence: photos and files (kept as Telegram file ids) and notes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert
from sqlmodel import Session, col, select

from bot.services.reminders.confirmations import occurrence_for_chat
from bot.services.reminders.views import occurrence_ids_of_message
from bot.store.models import Evidence, EvidencePrompt

NOTE_MAX = 1000


def add_evidence(
    session: Session,
    *,
    occurrence_id: int,
    chat_id: int,
    user_id: int,
    kind: str,
    now: dt.datetime,
    file_id: str | None = None,
    text: str | None = None,
) -> Evidence:
    """Attach evidence; the occurrence must belong to the chat's enterprise."""
    enterprise, occ = occurrence_for_chat(session, occurrence_id=occurrence_id, chat_id=chat_id)
    assert enterprise.id is not None and occ.id is not None
    row = Evidence(
        occurrence_id=occ.id,
        enterprise_id=enterprise.id,
        user_id=user_id,
        kind=kind,
        file_id=file_id,
        text=(text or "")[:NOTE_MAX] or None,
        created_at=now,
    )
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


def evidence_for(session: Session, occurrence_id: int) -> list[Evidence]:
    return list(
        session.exec(
            select(Evidence)
            .where(Evidence.occurrence_id == occurrence_id)
            .order_by(col(Evidence.created_at))
        ).all()
    )


def register_prompt(
    session: Session, *, chat_id: int, message_id: int, occurrence_id: int, now: dt.datetime
) -> None:
    """Remember that replies to this bot message are evidence for ``occurrence_id``."""
    session.execute(  # a plain insert: a ✅ press runs it, no ORM unit of work needed
        insert(EvidencePrompt).values(
            chat_id=chat_id, message_id=message_id, occurrence_id=occurrence_id, created_at=now
        )
    )
    session.commit()


def occurrence_for_reply(
    session: Session, *, chat_id: int, enterprise_id: int, reply_to: int
) -> int | None:
    """Which occurrence a reply is evidence for: a prompt's, or a single-item reminder's."""
    prompt = session.exec(
        select(EvidencePrompt).where(
            EvidencePrompt.chat_id == chat_id, EvidencePrompt.message_id == reply_to
        )
    ).first()
    if prompt is not None:
        return prompt.occurrence_id
    ids = occurrence_ids_of_message(session, enterprise_id=enterprise_id, message_id=reply_to)
    return ids[0] if len(ids) == 1 else None
