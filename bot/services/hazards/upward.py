"""Major hazards reported upward: the linked offices hear of every open 重大事故隐患.

《安全生产法》第四十一条: the enterprise reports its 重大事故隐患 to the department that
supervises it. Here that department is every office linked to the enterprise (``office_link``).
A major hazard goes to the offices linked when it is graded (at the next tick); one with no
office linked yet waits, unmarked, and goes out when an office links. An office that links
later hears of the open major hazards it did not see (its link is newer than the report), so
every linked office learns of every open major hazard once.

``office_reported_at`` is claimed with one conditional UPDATE before sending, as the
follow-ups are (``bot.services.hazards.followup``). ``supervised`` is the office's 督办 list of
hazards: every open major hazard of its linked enterprises, until it is closed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from bot.domain.hazard import OPEN, overdue
from bot.domain.hazard_states import HazardGrade
from bot.store.hazard_models import Hazard
from bot.store.models import Enterprise
from bot.store.office_models import Office, OfficeLink

_OPEN = [s.value for s in OPEN]


@dataclass
class UpwardReport:
    """One open major hazard and the offices that have not heard of it yet."""

    hazard: Hazard
    enterprise: Enterprise
    offices: list[Office] = field(default_factory=list)


def reports_due(session: Session) -> list[UpwardReport]:
    """Open major hazards of active enterprises not yet reported to some linked office."""
    rows = session.exec(
        select(Hazard, Enterprise, Office)
        .join(Enterprise, col(Enterprise.id) == col(Hazard.enterprise_id))
        .join(OfficeLink, col(OfficeLink.enterprise_id) == col(Hazard.enterprise_id))
        .join(Office, col(Office.id) == col(OfficeLink.office_id))
        .where(
            col(Hazard.grade) == HazardGrade.MAJOR.value,
            col(Hazard.status).in_(_OPEN),
            col(Enterprise.active),
            or_(
                col(Hazard.office_reported_at).is_(None),
                col(OfficeLink.created_at) > col(Hazard.office_reported_at),
            ),
        )
        .order_by(col(Hazard.id), col(Office.id))
    ).all()
    out: dict[int, UpwardReport] = {}
    for hazard, enterprise, office in rows:
        report = out.setdefault(hazard.id or 0, UpwardReport(hazard, enterprise))
        report.offices.append(office)
    return list(out.values())


def claim_report(session: Session, hazard: Hazard, now: dt.datetime) -> bool:
    """The report to the offices found by ``reports_due`` is ours to send; ``now`` (the
    tick's) marks every office linked by then as told."""
    before = hazard.office_reported_at
    result = session.exec(
        update(Hazard)
        .where(
            col(Hazard.id) == hazard.id,
            col(Hazard.office_reported_at).is_(None)
            if before is None
            else col(Hazard.office_reported_at) == before,
        )
        .values(office_reported_at=now)
    )
    session.commit()
    return bool(result.rowcount == 1)


def release_report(session: Session, hazard: Hazard, previous: dt.datetime | None) -> None:
    """Give the claim back (a send failed for a while): the next tick reports again."""
    session.exec(
        update(Hazard).where(col(Hazard.id) == hazard.id).values(office_reported_at=previous)
    )
    session.commit()


def office_chats(session: Session, enterprise_id: int) -> list[Office]:
    """The offices an enterprise is linked to (an overdue major hazard is escalated to each)."""
    return list(
        session.exec(
            select(Office)
            .join(OfficeLink, col(OfficeLink.office_id) == col(Office.id))
            .where(col(OfficeLink.enterprise_id) == enterprise_id)
            .order_by(col(Office.id))
        ).all()
    )


@dataclass(frozen=True)
class Supervised:
    """One open major hazard on an office's 督办 list."""

    enterprise: str
    timezone: str
    hazard: Hazard
    age: int  # days since it was reported
    days_overdue: int  # past its deadline (0: not overdue)


def supervised(
    session: Session, enterprise_ids: Sequence[int], *, now: dt.datetime
) -> list[Supervised]:
    """Open major hazards of these enterprises (only these: an office passes its linked ones),
    overdue first, then the oldest."""
    if not enterprise_ids:
        return []
    rows = session.exec(
        select(Hazard, Enterprise)
        .join(Enterprise, col(Enterprise.id) == col(Hazard.enterprise_id))
        .where(
            col(Hazard.enterprise_id).in_(list(enterprise_ids)),
            col(Hazard.grade) == HazardGrade.MAJOR.value,
            col(Hazard.status).in_(_OPEN),
        )
        .order_by(col(Hazard.reported_at), col(Hazard.id))
    ).all()
    out = []
    for hazard, enterprise in rows:
        zone = ZoneInfo(enterprise.timezone)
        today = now.astimezone(zone).date()
        late = overdue(hazard.status, hazard.deadline, today) and hazard.deadline is not None
        out.append(
            Supervised(
                enterprise=enterprise.name,
                timezone=enterprise.timezone,
                hazard=hazard,
                age=(today - hazard.reported_at.astimezone(zone).date()).days,
                days_overdue=(today - hazard.deadline).days if late and hazard.deadline else 0,
            )
        )
    out.sort(key=lambda s: -s.days_overdue)  # stable: the oldest first within each
    return out
