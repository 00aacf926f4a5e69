"""Recording a hazard's steps: report, grade, 五落实, rectification, 销号, sending back, invalid.

Every function checks the rules (``bot.domain.hazard``), changes the hazard, writes one
``HazardStep`` and commits; a refusal raises a ``DomainError`` before anything is written.
Nothing is deleted. ``now`` is the caller's clock (UTC).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlmodel import Session, SQLModel, col, func, select

from bot.catalog.hazard_standards import HazardStandards
from bot.domain import hazard as rules
from bot.domain.hazard import Actor
from bot.domain.hazard_errors import HazardUsage, NotOnRoster, PhotoRequired, UnknownStandardItem
from bot.domain.hazard_states import HazardGrade, HazardStatus
from bot.errors import StaleButton
from bot.services.roster.members import is_member
from bot.store.hazard_models import Hazard, HazardPhoto, HazardStep
from bot.store.models import Enterprise, Member
from bot.store.upsert import insert_ignore

Photo = tuple[str, str]  # Telegram's (file_id, file_unique_id)


def _text(value: str, limit: int) -> str:
    return " ".join(value.split())[:limit]


def _step(
    session: Session, hazard: Hazard, action: str, actor: Actor, now: dt.datetime, detail: str = ""
) -> None:
    assert hazard.id is not None
    session.add(
        HazardStep(
            hazard_id=hazard.id,
            action=action,
            user_id=actor.user_id,
            user_name=actor.name[:120],
            at=now,
            detail=detail[: rules.MAX_TEXT] or None,
        )
    )


def add_photos(
    session: Session,
    hazard: Hazard,
    photos: Sequence[Photo],
    *,
    stage: str,
    user_id: int,
    now: dt.datetime,
) -> None:
    """Keep photos of the hazard (a repeated photo is kept once)."""
    assert hazard.id is not None
    insert_ignore(
        session,
        SQLModel.metadata.tables["hazard_photo"],
        [
            {
                "hazard_id": hazard.id,
                "stage": stage,
                "file_id": f,
                "file_unique_id": u,
                "user_id": user_id,
                "at": now,
            }
            for f, u in photos
        ],
    )


def report(
    session: Session,
    enterprise: Enterprise,
    reporter: Actor,
    *,
    description: str,
    location: str,
    photos: Sequence[Photo],
    anonymous: bool,
    private: bool,
    now: dt.datetime,
) -> Hazard:
    """A new hazard with the next number of the enterprise."""
    text = _text(description, rules.MAX_TEXT)
    if not text:
        raise HazardUsage()
    assert enterprise.id is not None
    last = session.exec(
        select(func.max(Hazard.number)).where(Hazard.enterprise_id == enterprise.id)
    ).one()
    hazard = Hazard(
        enterprise_id=enterprise.id,
        number=(last or 0) + 1,
        reported_by=reporter.user_id,
        reporter_name=reporter.name[:120],
        anonymous=anonymous,
        private=private,
        description=text,
        location=_text(location, 200),
        reported_at=now,
    )
    session.add(hazard)
    session.flush()
    add_photos(session, hazard, photos, stage="found", user_id=reporter.user_id, now=now)
    _step(session, hazard, "reported", reporter, now)
    session.commit()
    return hazard


def hazard_of(session: Session, enterprise_id: int, hazard_id: int) -> Hazard:
    """The enterprise's hazard ``hazard_id``; a forged or foreign id is a stale button."""
    hazard = session.get(Hazard, hazard_id)
    if hazard is None or hazard.enterprise_id != enterprise_id:
        raise StaleButton()
    return hazard


def on_card(session: Session, chat_id: int, message_id: int) -> Hazard | None:
    """The hazard whose card is message ``message_id`` of ``chat_id``."""
    return session.exec(
        select(Hazard).where(Hazard.card_chat_id == chat_id, Hazard.card_message_id == message_id)
    ).first()


def grade(
    session: Session,
    hazard: Hazard,
    actor: Actor,
    level: HazardGrade,
    *,
    standard_item: str | None,
    standards: HazardStandards,
    now: dt.datetime,
) -> Hazard:
    """一般 or 重大; a major hazard may name the 判定标准 item that applies."""
    rules.can_grade(actor, hazard.status)
    if standard_item is not None and standards.find_item(standard_item) is None:
        raise UnknownStandardItem()
    if (
        level is HazardGrade.MAJOR
        and hazard.status == HazardStatus.PLANNED.value
        and not (hazard.plan or "").strip()
    ):  # now major: its 五落实 must be given again, with a 预案
        hazard.status = HazardStatus.GRADED.value
    hazard.grade = level.value
    hazard.standard_item = standard_item if level is HazardGrade.MAJOR else None
    hazard.graded_by, hazard.graded_at = actor.user_id, now
    if hazard.status == HazardStatus.REPORTED.value:
        hazard.status = HazardStatus.GRADED.value
    _step(session, hazard, "graded", actor, now, f"{level.value} {hazard.standard_item or ''}")
    session.add(hazard)
    session.commit()
    return hazard


def plan(
    session: Session,
    hazard: Hazard,
    actor: Actor,
    *,
    responsible_id: int,
    measures: str,
    funds: str,
    deadline: dt.date,
    contingency: str,
    today: dt.date,
    now: dt.datetime,
) -> Hazard:
    """五落实: the responsible person must be on the roster; the deadline is the plan's."""
    rules.check_plan(actor, hazard.status, hazard.grade, deadline, today, contingency)
    if not is_member(session, enterprise_id=hazard.enterprise_id, user_id=responsible_id):
        raise NotOnRoster()
    member = session.exec(
        select(Member).where(
            Member.enterprise_id == hazard.enterprise_id, Member.user_id == responsible_id
        )
    ).one()
    hazard.responsible_id, hazard.responsible_name = responsible_id, member.name
    hazard.measures = _text(measures, rules.MAX_TEXT) or None
    hazard.funds = _text(funds, rules.MAX_FUNDS) or None
    hazard.deadline = deadline
    hazard.plan = _text(contingency, rules.MAX_TEXT) or None
    hazard.status = HazardStatus.PLANNED.value
    # A new deadline is followed afresh; the person was just told, so no reminder today.
    hazard.reminded_on, hazard.escalated_at = today, None
    _step(session, hazard, "planned", actor, now, f"{member.name} {deadline.isoformat()}")
    session.add(hazard)
    session.commit()
    return hazard


def rectify(
    session: Session,
    hazard: Hazard,
    actor: Actor,
    photos: Sequence[Photo],
    *,
    note: str,
    now: dt.datetime,
) -> Hazard:
    """Rectified, shown by at least one after-photo."""
    rules.can_rectify(actor, hazard.status, hazard.responsible_id)
    if not photos:
        raise PhotoRequired()
    add_photos(session, hazard, photos, stage="rectified", user_id=actor.user_id, now=now)
    hazard.status = HazardStatus.RECTIFIED.value
    hazard.rectified_at, hazard.rectified_by = now, actor.user_id
    _step(session, hazard, "rectified", actor, now, _text(note, rules.MAX_TEXT))
    session.add(hazard)
    session.commit()
    return hazard


def verify(session: Session, hazard: Hazard, actor: Actor, *, now: dt.datetime) -> Hazard:
    """销号: checked and closed by someone other than who rectified it."""
    rules.can_verify(actor, hazard.status, hazard.rectified_by)
    hazard.status = HazardStatus.CLOSED.value
    hazard.closed_at, hazard.closed_by, hazard.closed_by_name = now, actor.user_id, actor.name
    _step(session, hazard, "closed", actor, now)
    session.add(hazard)
    session.commit()
    return hazard


def send_back(
    session: Session, hazard: Hazard, actor: Actor, *, reason: str, now: dt.datetime
) -> Hazard:
    """Not accepted: back to rectification, with the reason."""
    rules.can_verify(actor, hazard.status, hazard.rectified_by)
    why = rules.require_reason(reason)
    hazard.status = HazardStatus.PLANNED.value
    hazard.rectified_at = hazard.rectified_by = None
    _step(session, hazard, "sent_back", actor, now, why)
    session.add(hazard)
    session.commit()
    return hazard


def invalidate(
    session: Session, hazard: Hazard, actor: Actor, *, reason: str, now: dt.datetime
) -> Hazard:
    """A mistaken report, closed as invalid with its reason (kept, never deleted)."""
    rules.can_invalidate(actor, hazard.status)
    why = rules.require_reason(reason)
    hazard.status = HazardStatus.INVALID.value
    hazard.closed_at, hazard.closed_by, hazard.closed_by_name = now, actor.user_id, actor.name
    _step(session, hazard, "invalid", actor, now, why)
    session.add(hazard)
    session.commit()
    return hazard


def set_card(session: Session, hazard: Hazard, chat_id: int, message_id: int) -> None:
    hazard.card_chat_id, hazard.card_message_id = chat_id, message_id
    session.add(hazard)
    session.commit()


def steps(session: Session, hazard_id: int) -> list[HazardStep]:
    return list(
        session.exec(
            select(HazardStep).where(HazardStep.hazard_id == hazard_id).order_by(col(HazardStep.id))
        ).all()
    )


def photos(session: Session, hazard_id: int, stage: str | None = None) -> list[HazardPhoto]:
    query = select(HazardPhoto).where(HazardPhoto.hazard_id == hazard_id)
    if stage is not None:
        query = query.where(HazardPhoto.stage == stage)
    return list(session.exec(query.order_by(col(HazardPhoto.id))).all())
