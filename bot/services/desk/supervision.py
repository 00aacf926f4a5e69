"""The 督办 list: overdue duties folded per enterprise, obligation and area (17 missed daily
checks are one line), oldest first, with days overdue and the person responsible (the
enterprise's safety officer); and the overdue hazards with their 整改责任人.

Grouped and paged in SQL: a page costs two queries however many items are overdue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col

from bot.reports.figures import OverdueGroup
from bot.reports.queries import overdue_groups
from bot.services.desk.figures import OPEN_HAZARDS
from bot.services.desk.filters import PAGE_SIZE, PageInfo, page
from bot.services.desk.overview import PeriodLike, as_report_period
from bot.store.hazard_models import Hazard
from bot.store.models import Enterprise


@dataclass(frozen=True)
class OverdueHazard:
    enterprise_id: int
    enterprise: str
    number: int
    description: str
    grade: str | None
    deadline: dt.date
    days_overdue: int
    responsible: str | None


@dataclass(frozen=True)
class Supervision:
    items: list[OverdueGroup]  # this page
    page: PageInfo
    hazards: list[OverdueHazard]  # every overdue hazard, oldest deadline first


def supervision(
    session: Session,
    ids: Sequence[int],
    period: PeriodLike,
    *,
    tz: str,
    now: dt.datetime,
    page_number: int = 1,
    page_size: int = PAGE_SIZE,
) -> Supervision:
    """The 督办 list of ``ids`` for duties due in ``period``; PageGone past the last page."""
    items, total = overdue_page(
        session, ids, period, tz=tz, now=now, offset=(page_number - 1) * page_size, limit=page_size
    )
    info = page(page_number, total, page_size)
    return Supervision(items, info, overdue_hazards(session, ids, tz=tz, now=now))


def overdue_page(
    session: Session,
    ids: Sequence[int],
    period: PeriodLike,
    *,
    tz: str,
    now: dt.datetime,
    offset: int,
    limit: int,
) -> tuple[list[OverdueGroup], int]:
    """One page of overdue groups (oldest first) and how many groups there are in all: the
    office report's 督办清单 (``bot.reports.queries.overdue_groups``), a page of it."""
    return overdue_groups(
        session, ids, as_report_period(period), tz=tz, now=now, limit=limit, offset=offset
    )


def overdue_hazards(
    session: Session, ids: Sequence[int], *, tz: str, now: dt.datetime, limit: int = 200
) -> list[OverdueHazard]:
    """Open hazards whose deadline day has passed (judged on ``tz``'s calendar), oldest first."""
    if not ids:
        return []
    today = now.astimezone(ZoneInfo(tz)).date()
    h = Hazard
    rows = session.execute(
        sa.select(
            col(h.enterprise_id), col(Enterprise.name), col(h.number), col(h.description),
            col(h.grade), col(h.deadline), col(h.responsible_name),
        )
        .join(Enterprise, col(Enterprise.id) == col(h.enterprise_id))
        .where(
            col(h.enterprise_id).in_(ids), col(h.status).in_(OPEN_HAZARDS),
            col(h.deadline).is_not(None), col(h.deadline) < today,
        )
        .order_by(col(h.deadline), col(h.enterprise_id), col(h.number))
        .limit(limit)
    ).all()  # fmt: skip
    return [
        OverdueHazard(e, name, number, text, grade, deadline, (today - deadline).days, who)
        for e, name, number, text, grade, deadline, who in rows
    ]
