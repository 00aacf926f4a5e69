"""ForceReply questions of the hazard loop (``HazardPrompt``): asked, answered, moved on.

A multi-step flow (a report's description then location; the 五落实's measures, funds,
deadline, plan) keeps its earlier answers in the prompt's ``draft`` and hands them on to the
next prompt; ``answered`` forgets the prompt, so a second reply to it does nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlmodel import Session, col, select

from bot.store.hazard_models import HazardPrompt


def ask(
    session: Session,
    *,
    chat_id: int,
    message_id: int,
    user_id: int,
    enterprise_id: int,
    step: str,
    hazard_id: int | None = None,
    draft: dict[str, Any] | None = None,
    now: dt.datetime,
) -> HazardPrompt:
    """Remember that ``message_id`` in ``chat_id`` asks ``user_id`` for ``step``."""
    prompt = HazardPrompt(
        chat_id=chat_id,
        message_id=message_id,
        user_id=user_id,
        enterprise_id=enterprise_id,
        hazard_id=hazard_id,
        step=step,
        draft=json.dumps(draft or {}, ensure_ascii=False),
        created_at=now,
    )
    session.add(prompt)
    session.commit()
    return prompt


def waiting(session: Session, chat_id: int, message_id: int, user_id: int) -> HazardPrompt | None:
    """The prompt a reply answers, if it is this person's to answer."""
    prompt = session.exec(
        select(HazardPrompt).where(
            HazardPrompt.chat_id == chat_id, HazardPrompt.message_id == message_id
        )
    ).first()
    return prompt if prompt is not None and prompt.user_id == user_id else None


def latest(
    session: Session, chat_id: int, user_id: int, *, since: dt.datetime
) -> HazardPrompt | None:
    """The newest prompt asked of ``user_id`` in ``chat_id`` since ``since`` (a private chat's
    answer typed without replying to the question)."""
    return session.exec(
        select(HazardPrompt)
        .where(
            HazardPrompt.chat_id == chat_id,
            HazardPrompt.user_id == user_id,
            col(HazardPrompt.created_at) >= since,
        )
        .order_by(col(HazardPrompt.id).desc())
    ).first()


def redraft(session: Session, prompt: HazardPrompt, draft: dict[str, Any]) -> None:
    """Keep more answers (photos of an album) in a prompt still waiting for its reply."""
    prompt.draft = json.dumps(draft, ensure_ascii=False)
    session.add(prompt)
    session.commit()


def of_hazard(session: Session, hazard_id: int, step: str) -> list[HazardPrompt]:
    """The hazard's questions still open at ``step`` (to forget them once they no longer apply)."""
    return list(
        session.exec(
            select(HazardPrompt).where(
                HazardPrompt.hazard_id == hazard_id, HazardPrompt.step == step
            )
        ).all()
    )


def draft_of(prompt: HazardPrompt) -> dict[str, Any]:
    value = json.loads(prompt.draft or "{}")
    return value if isinstance(value, dict) else {}


def answered(session: Session, prompt: HazardPrompt) -> None:
    """The prompt is answered: a second reply to it finds nothing."""
    session.delete(prompt)
    session.commit()
