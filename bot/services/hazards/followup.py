"""What a hazard's deadline asks for today: a reminder to the responsible person, an escalation.

Run from the tick (``bot.telegram.hazard_followup``): a hazard being rectified is reminded
once a day from ``DUE_SOON`` days before its deadline through the deadline day, and escalated
once when the deadline has passed (the officer privately; the linked offices too for a major
hazard). Both wait for the enterprise's digest time (its local morning), never midnight. A new
五落实 (a new deadline) starts this afresh.

Each follow-up is claimed with one conditional UPDATE before it is sent (``claim_reminder``,
``claim_escalation``), so two bot processes, or a tick that overlaps the next, never send it
twice; a send that failed for a while (a 429, the network) gives its claim back (``release_*``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from bot.domain.digest import stored_time
from bot.domain.hazard import DUE_SOON, overdue
from bot.domain.hazard_states import HazardStatus
from bot.store.hazard_models import Hazard
from bot.store.models import Enterprise


@dataclass
class FollowUps:
    remind: list[tuple[Hazard, Enterprise]] = field(default_factory=list)
    escalate: list[tuple[Hazard, Enterprise]] = field(default_factory=list)


def local_now(enterprise: Enterprise, now: dt.datetime) -> dt.datetime:
    return now.astimezone(ZoneInfo(enterprise.timezone))


def due_follow_ups(session: Session, now: dt.datetime) -> FollowUps:
    """Reminders and escalations due at ``now``: only once the enterprise's digest time has
    come on its local day (a reminder at 08:00, not at midnight)."""
    rows = session.exec(
        select(Hazard, Enterprise)
        .join(Enterprise, col(Enterprise.id) == col(Hazard.enterprise_id))
        .where(
            Hazard.status == HazardStatus.PLANNED.value,
            col(Hazard.escalated_at).is_(None),  # escalated: nothing more until a new plan
            # reminded from DUE_SOON days before (a day more: the enterprise's zone)
            col(Hazard.deadline) <= now.date() + dt.timedelta(days=DUE_SOON + 1),
            col(Enterprise.active),
        )
        .order_by(col(Hazard.id))
    ).all()
    out = FollowUps()
    for hazard, enterprise in rows:
        local = local_now(enterprise, now)
        if hazard.deadline is None or local.time() < stored_time(enterprise.digest_time):
            continue
        today = local.date()
        if overdue(hazard.status, hazard.deadline, today):
            if hazard.escalated_at is None:
                out.escalate.append((hazard, enterprise))
        elif (hazard.deadline - today).days <= DUE_SOON and hazard.reminded_on != today:
            out.remind.append((hazard, enterprise))
    return out


def _claim(session: Session, hazard: Hazard, *conditions: object, **values: object) -> bool:
    """One conditional UPDATE of a hazard still being rectified to the same deadline."""
    result = session.exec(
        update(Hazard)
        .where(
            col(Hazard.id) == hazard.id,
            col(Hazard.status) == HazardStatus.PLANNED.value,
            col(Hazard.deadline) == hazard.deadline,
            *conditions,  # type: ignore[arg-type]
        )
        .values(**values)
    )
    session.commit()
    return bool(result.rowcount == 1)


def claim_reminder(session: Session, hazard: Hazard, today: dt.date) -> bool:
    """Today's reminder is ours to send (False: sent already, or the hazard moved on)."""
    return _claim(
        session,
        hazard,
        or_(col(Hazard.reminded_on).is_(None), col(Hazard.reminded_on) != today),
        reminded_on=today,
    )


def release_reminder(session: Session, hazard: Hazard, previous: dt.date | None) -> None:
    session.exec(update(Hazard).where(col(Hazard.id) == hazard.id).values(reminded_on=previous))
    session.commit()


def claim_escalation(session: Session, hazard: Hazard, now: dt.datetime) -> bool:
    """The escalation of this deadline is ours to send (False: escalated already)."""
    return _claim(session, hazard, col(Hazard.escalated_at).is_(None), escalated_at=now)


def release_escalation(session: Session, hazard: Hazard) -> None:
    session.exec(update(Hazard).where(col(Hazard.id) == hazard.id).values(escalated_at=None))
    session.commit()
