"""What a hazard's deadline asks for today: a reminder to the responsible person, an escalation.

Run from the tick (``bot.telegram.hazards``): a hazard being rectified is reminded once a day
from ``DUE_SOON`` days before its deadline through the deadline day, and escalated once when
the deadline has passed (the officer privately; the linked offices too for a major hazard).
A new 五落实 (a new deadline) starts this afresh.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from bot.domain.hazard import DUE_SOON, overdue
from bot.domain.hazard_states import HazardStatus
from bot.services.hazards.queries import local_today
from bot.store.hazard_models import Hazard
from bot.store.models import Enterprise


@dataclass
class FollowUps:
    remind: list[tuple[Hazard, Enterprise]] = field(default_factory=list)
    escalate: list[tuple[Hazard, Enterprise]] = field(default_factory=list)


def due_follow_ups(session: Session, now: dt.datetime) -> FollowUps:
    rows = session.exec(
        select(Hazard, Enterprise)
        .join(Enterprise, col(Enterprise.id) == col(Hazard.enterprise_id))
        .where(Hazard.status == HazardStatus.PLANNED.value, col(Enterprise.active))
        .order_by(col(Hazard.id))
    ).all()
    out = FollowUps()
    for hazard, enterprise in rows:
        today = local_today(enterprise, now)
        if hazard.deadline is None:
            continue
        if overdue(hazard.status, hazard.deadline, today):
            if hazard.escalated_at is None:
                out.escalate.append((hazard, enterprise))
        elif (hazard.deadline - today).days <= DUE_SOON and hazard.reminded_on != today:
            out.remind.append((hazard, enterprise))
    return out


def mark_reminded(session: Session, hazard: Hazard, today: dt.date) -> None:
    hazard.reminded_on = today
    session.add(hazard)
    session.commit()


def mark_escalated(session: Session, hazard: Hazard, now: dt.datetime) -> None:
    hazard.escalated_at = now
    session.add(hazard)
    session.commit()


def mark_office_reported(session: Session, hazard: Hazard, now: dt.datetime) -> None:
    hazard.office_reported_at = now
    session.add(hazard)
    session.commit()
