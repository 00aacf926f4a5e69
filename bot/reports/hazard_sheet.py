"""The workbook's 隐患台账 sheet: the hazard register of the period, one row per hazard.

Columns, in the usual order of a 隐患排查治理台账: 序号、企业、隐患描述、位置、发现时间、发现人、
等级、判定依据、整改责任人、整改措施、整改资金、整改时限、完成时间、验收人、状态.

Which hazards: those reported before the period ended that were still open at its end or
reported or closed (销号, or closed as invalid) within it; the status is today's, so a hazard
reported in the period and closed since shows as closed.

发现人 of an anonymous report is "anonymous" (匿名), never the name, whoever asked for the
workbook: it is a file that is forwarded, and the group's own ``/report`` is seen by the very
people the reporter chose not to be named to. The name stays in the database for the safety
officer, who sees it in the bot (personal data shown only to those who need it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from sqlalchemy import or_
from sqlmodel import Session, col, select

from bot.domain.hazard import OPEN, overdue
from bot.reports.labels import Labels
from bot.reports.period import Period
from bot.reports.sheets import DATE, DATETIME, Heading, add_sheet, local
from bot.store.hazard_models import Hazard
from bot.store.models import Enterprise


@dataclass(frozen=True)
class HazardRow:
    enterprise: str
    timezone: str
    number: int
    description: str
    location: str
    reported_at: dt.datetime
    reporter: str | None  # None: reported anonymously
    grade: str | None  # general | major; None until graded
    standard_item: str | None  # ``<standard>#<clause>`` (the 判定依据 of a major hazard)
    responsible: str | None
    measures: str | None
    funds: str | None
    deadline: dt.date | None
    rectified_at: dt.datetime | None
    verifier: str | None  # who verified and closed it (销号)
    status: str
    overdue: bool


def hazard_rows(
    session: Session, ids: Sequence[int], period: Period, *, tz: str, now: dt.datetime
) -> list[HazardRow]:
    """The period's hazards of these enterprises, by enterprise then number."""
    if not ids:
        return []
    start, end = period.start_utc(tz), period.end_utc(tz)
    query = (
        select(Hazard, Enterprise)
        .join(Enterprise, col(Enterprise.id) == col(Hazard.enterprise_id))
        .where(
            col(Hazard.enterprise_id).in_(list(ids)),
            col(Hazard.reported_at) < end,
            or_(
                col(Hazard.status).in_([s.value for s in OPEN]),
                col(Hazard.reported_at) >= start,
                col(Hazard.closed_at) >= start,
            ),
        )
        .order_by(col(Enterprise.name), col(Enterprise.id), col(Hazard.number))
    )
    rows = []
    for h, e in session.exec(query).all():
        today = now.astimezone(ZoneInfo(e.timezone)).date()
        rows.append(
            HazardRow(
                enterprise=e.name,
                timezone=e.timezone,
                number=h.number,
                description=h.description,
                location=h.location,
                reported_at=h.reported_at,
                reporter=None if h.anonymous else h.reporter_name,
                grade=h.grade,
                standard_item=h.standard_item,
                responsible=h.responsible_name,
                measures=h.measures,
                funds=h.funds,
                deadline=h.deadline,
                rectified_at=h.rectified_at,
                verifier=h.closed_by_name if h.status == "closed" else None,
                status=h.status,
                overdue=overdue(h.status, h.deadline, today),
            )
        )
    return rows


COLUMNS = [
    "hz_index",
    "enterprise",
    "hz_description",
    "hz_location",
    "hz_found_at",
    "hz_reporter",
    "hz_grade",
    "hz_basis",
    "hz_responsible",
    "hz_measures",
    "hz_funds",
    "hz_deadline",
    "hz_completed_at",
    "hz_verifier",
    "state",
]


def _row(index: int, r: HazardRow, lb: Labels) -> list[object]:
    basis = lb.bases.get(r.standard_item, r.standard_item) if r.standard_item else ""
    status = "hz_state_overdue" if r.overdue else f"hz_state_{r.status}"
    return [
        index,
        r.enterprise,
        r.description,
        r.location,
        local(r.reported_at, r.timezone),
        lb["hz_anonymous"] if r.reporter is None else r.reporter,
        lb[f"hz_grade_{r.grade}"] if r.grade else lb["hz_ungraded"],
        basis,
        r.responsible or "",
        r.measures or "",
        r.funds or "",
        r.deadline,
        local(r.rectified_at, r.timezone),
        r.verifier or "",
        lb[status],
    ]


def add_hazard_sheet(wb: Workbook, rows: Sequence[HazardRow], lb: Labels, heading: Heading) -> None:
    """The 隐患台账 sheet (headers even when there is no hazard)."""
    values = [_row(i, r, lb) for i, r in enumerate(rows, start=1)]
    headers = [lb[k] for k in COLUMNS]
    add_sheet(wb, lb["sheet_hazards"], headers, values, {4: DATETIME, 11: DATE, 12: DATETIME},
              heading=heading, title=lb.sheet_title(lb["sheet_hazards"]))  # fmt: skip
