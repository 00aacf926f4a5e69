"""What someone is entering in a private chat, step by step (``PeopleDraft``: one per person).

A draft names its flow (a certificate, training hours, a role, a review), the step it waits
for and the answers so far (JSON). It lives in the database, not in the bot's memory, so a
restart in the middle of an entry loses nothing; a draft untouched for ``DRAFT_TTL`` is stale
(its buttons refused, plain messages no longer taken as answers).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlmodel import Session, select

from bot.store.people_models import PeopleDraft

DRAFT_TTL = dt.timedelta(hours=1)


def current(session: Session, user_id: int, *, now: dt.datetime) -> PeopleDraft | None:
    """The person's draft, if they touched it within ``DRAFT_TTL``."""
    draft = session.exec(select(PeopleDraft).where(PeopleDraft.user_id == user_id)).first()
    if draft is None or draft.updated_at < now - DRAFT_TTL:
        return None
    return draft


def data_of(draft: PeopleDraft) -> dict[str, Any]:
    found = json.loads(draft.data or "{}")
    return found if isinstance(found, dict) else {}


def begin(
    session: Session,
    user_id: int,
    enterprise_id: int,
    *,
    step: str,
    data: dict[str, Any],
    now: dt.datetime,
) -> PeopleDraft:
    """A new draft for the person, replacing whatever they were entering before."""
    draft = session.exec(select(PeopleDraft).where(PeopleDraft.user_id == user_id)).first()
    if draft is None:
        draft = PeopleDraft(user_id=user_id, enterprise_id=enterprise_id, step=step, updated_at=now)
    draft.enterprise_id, draft.step, draft.updated_at = enterprise_id, step, now
    draft.data = json.dumps(data, ensure_ascii=False)
    session.add(draft)
    session.commit()
    return draft


def advance(
    session: Session, draft: PeopleDraft, *, step: str, now: dt.datetime, **answers: Any
) -> dict[str, Any]:
    """Keep ``answers`` and wait for ``step``; returns the answers so far."""
    data = data_of(draft) | answers
    draft.step, draft.updated_at = step, now
    draft.data = json.dumps(data, ensure_ascii=False)
    session.add(draft)
    session.commit()
    return data


def finish(session: Session, draft: PeopleDraft) -> None:
    session.delete(draft)
    session.commit()
