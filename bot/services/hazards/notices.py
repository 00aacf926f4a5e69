"""Each recipient's copy of a follow-up with several recipients, recorded before it is sent.

An escalation goes to the safety officer and to every linked office, a major hazard's report
to every linked office. The hazard-level claim (``followup``, ``upward``) keeps two bot
processes from sending the follow-up at once; this record keeps a retry (Telegram asked to
slow down for one recipient) from sending again to the recipients that already have it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from bot.store.hazard_models import HazardNotice

UPWARD, ESCALATION = "upward", "escalation"


def claim(
    session: Session, hazard_id: int, kind: str, round_: str, chat_id: int, now: dt.datetime
) -> bool:
    """This recipient's copy is ours to send (False: it has it, or another process sends it)."""
    session.add(
        HazardNotice(hazard_id=hazard_id, kind=kind, round=round_, chat_id=chat_id, sent_at=now)
    )
    try:
        session.commit()
    except IntegrityError:  # the unique key: recorded already
        session.rollback()
        return False
    return True


def release(session: Session, hazard_id: int, kind: str, round_: str, chat_id: int) -> None:
    """The copy was not delivered and is to be tried again."""
    session.exec(
        delete(HazardNotice).where(
            col(HazardNotice.hazard_id) == hazard_id,
            col(HazardNotice.kind) == kind,
            col(HazardNotice.round) == round_,
            col(HazardNotice.chat_id) == chat_id,
        )
    )
    session.commit()
