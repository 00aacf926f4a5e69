"""The hazard register and its figures: open, overdue, closed, major ones with their age.

"Overdue" is judged on the enterprise's own calendar day (its time zone): a hazard being
rectified whose deadline day has passed (``bot.domain.hazard.overdue``).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.domain.hazard import OPEN, overdue
from bot.domain.hazard_states import HazardGrade, HazardStatus
from bot.store.hazard_models import Hazard
from bot.store.models import Enterprise

FILTERS = ("open", "overdue", "closed")


def local_today(enterprise: Enterprise, now: dt.datetime) -> dt.date:
    return now.astimezone(ZoneInfo(enterprise.timezone)).date()


def register(
    session: Session,
    *,
    enterprise_ids: Sequence[int] | None = None,
    status: str | None = None,
    now: dt.datetime,
) -> list[tuple[Hazard, Enterprise]]:
    """Hazards (with their enterprise), oldest first; ``status`` one of ``FILTERS``."""
    query = select(Hazard, Enterprise).join(
        Enterprise, col(Enterprise.id) == col(Hazard.enterprise_id)
    )
    if enterprise_ids is not None:
        query = query.where(col(Hazard.enterprise_id).in_(list(enterprise_ids)))
    if status in ("open", "overdue"):
        query = query.where(col(Hazard.status).in_([s.value for s in OPEN]))
    elif status == "closed":
        query = query.where(
            col(Hazard.status).in_([HazardStatus.CLOSED.value, HazardStatus.INVALID.value])
        )
    rows = session.exec(query.order_by(col(Hazard.reported_at), col(Hazard.id))).all()
    if status == "overdue":
        rows = [(h, e) for h, e in rows if overdue(h.status, h.deadline, local_today(e, now))]
    return [(h, e) for h, e in rows]


@dataclass
class HazardFigures:
    """One enterprise's (or a set's) hazard figures."""

    open: int = 0
    overdue: int = 0
    closed: int = 0  # verified and closed (销号); invalid reports are not counted
    invalid: int = 0
    major_open: list[tuple[Hazard, int]] = field(default_factory=list)  # (hazard, age in days)
    days_to_close: list[float] = field(default_factory=list)

    @property
    def closure_rate(self) -> float | None:
        """Closed of all valid hazards (open + closed), or None when there are none."""
        total = self.open + self.closed
        return self.closed / total if total else None

    @property
    def median_days_to_close(self) -> float | None:
        return statistics.median(self.days_to_close) if self.days_to_close else None


def figures(
    session: Session, enterprise_ids: Sequence[int], *, now: dt.datetime
) -> dict[int, HazardFigures]:
    """Figures per enterprise (every id given gets an entry, zeros when it has no hazards)."""
    out = {e: HazardFigures() for e in enterprise_ids}
    for hazard, enterprise in register(session, enterprise_ids=enterprise_ids, now=now):
        f = out[hazard.enterprise_id]
        today = local_today(enterprise, now)
        if hazard.status == HazardStatus.INVALID.value:
            f.invalid += 1
        elif hazard.status == HazardStatus.CLOSED.value:
            f.closed += 1
            if hazard.closed_at is not None:
                f.days_to_close.append(
                    (hazard.closed_at - hazard.reported_at).total_seconds() / 86400
                )
        else:
            f.open += 1
            f.overdue += overdue(hazard.status, hazard.deadline, today)
            if hazard.grade == HazardGrade.MAJOR.value:
                age = (
                    today - hazard.reported_at.astimezone(ZoneInfo(enterprise.timezone)).date()
                ).days
                f.major_open.append((hazard, age))
    return out


def total(per_enterprise: dict[int, HazardFigures]) -> HazardFigures:
    """The figures of several enterprises together."""
    out = HazardFigures()
    for f in per_enterprise.values():
        out.open += f.open
        out.overdue += f.overdue
        out.closed += f.closed
        out.invalid += f.invalid
        out.major_open.extend(f.major_open)
        out.days_to_close.extend(f.days_to_close)
    return out


@dataclass
class EnterpriseHazards:
    """One enterprise's name and figures, for a view of several."""

    enterprise_id: int
    name: str
    figures: HazardFigures


@dataclass
class HazardOverview:
    """What ``/stats`` shows: the figures together, per enterprise, and the open major ones."""

    total: HazardFigures
    enterprises: list[EnterpriseHazards]  # those with any hazard, most overdue first
    majors: list[tuple[str, Hazard, int]]  # (enterprise name, hazard, age in days), oldest first


def overview(
    session: Session, enterprise_ids: Sequence[int], *, now: dt.datetime
) -> HazardOverview:
    """The figures of these enterprises (only these: an office passes its linked ones)."""
    per = figures(session, enterprise_ids, now=now)
    names = dict(
        session.exec(
            select(Enterprise.id, Enterprise.name).where(
                col(Enterprise.id).in_(list(enterprise_ids))
            )
        ).all()
    )
    rows = [
        EnterpriseHazards(eid, names.get(eid, ""), f)
        for eid, f in per.items()
        if f.open or f.closed or f.invalid
    ]
    rows.sort(key=lambda r: (-r.figures.overdue, -r.figures.open, r.name))
    majors = [
        (names.get(h.enterprise_id, ""), h, age) for f in per.values() for h, age in f.major_open
    ]
    majors.sort(key=lambda m: (-m[2], m[1].reported_at))
    return HazardOverview(total(per), rows, majors)
