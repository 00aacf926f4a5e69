"""The rules of a hazard's life (隐患排查治理闭环), free of storage and chat.

found → graded (一般 / 重大) → 五落实 (responsible person, measures, funds, deadline, and for a
major hazard its contingency plan) → rectified (with after-photos) → verified and closed
(销号) by someone else, or sent back with a reason. A mistaken report is closed as invalid
with a reason. Sources: 《安全生产法》第四十一条 (排查治理制度、如实记录、重大事故隐患向负有安全
生产监督管理职责的部门报告); 《安全生产事故隐患排查治理暂行规定》(原国家安监总局令第16号)
第十五条 (重大事故隐患治理方案：目标和任务、方法和措施、经费和物资、机构和人员、时限和要求、
安全措施和应急预案); 五落实 as S3(六) words it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.domain.hazard_errors import (
    BadDeadline,
    DeadlinePassed,
    HazardWrongState,
    NotResponsible,
    PlanRequired,
    ReasonRequired,
    SameVerifier,
)
from bot.domain.hazard_states import HazardGrade, HazardStatus
from bot.errors import NotManager

OPEN = (
    HazardStatus.REPORTED,
    HazardStatus.GRADED,
    HazardStatus.PLANNED,
    HazardStatus.RECTIFIED,
)
ENDED = (HazardStatus.CLOSED, HazardStatus.INVALID)
MAX_TEXT = 1000  # a description, measures, a plan, a reason
MAX_FUNDS = 200
DUE_SOON = 3  # days before the deadline the responsible person is reminded


@dataclass(frozen=True)
class Actor:
    """Who acts: ``manager`` = a chat admin or the enterprise's safety officer."""

    user_id: int
    name: str
    manager: bool


def require_manager(actor: Actor) -> None:
    if not actor.manager:
        raise NotManager()


def require_status(status: str, *allowed: HazardStatus) -> None:
    if status not in {s.value for s in allowed}:
        raise HazardWrongState(status=status)


def can_grade(actor: Actor, status: str) -> None:
    """Grading (or correcting the grade) before the rectification is reported."""
    require_manager(actor)
    require_status(status, HazardStatus.REPORTED, HazardStatus.GRADED, HazardStatus.PLANNED)


def check_plan(
    actor: Actor, status: str, grade: str | None, deadline: dt.date, today: dt.date, plan: str
) -> None:
    """五落实 for a graded hazard: a deadline from today on; a major one needs its 预案."""
    require_manager(actor)
    require_status(status, HazardStatus.GRADED, HazardStatus.PLANNED)
    if deadline < today:
        raise DeadlinePassed(deadline=deadline, today=today)
    if grade == HazardGrade.MAJOR.value and not plan.strip():
        raise PlanRequired()


def can_rectify(actor: Actor, status: str, responsible_id: int | None) -> None:
    """The responsible person (or a manager on their behalf) reports the rectification."""
    require_status(status, HazardStatus.PLANNED)
    if actor.user_id != responsible_id and not actor.manager:
        raise NotResponsible()


def can_verify(actor: Actor, status: str, rectified_by: int | None) -> None:
    """销号 or sending back: a manager who did not report the rectification."""
    require_manager(actor)
    require_status(status, HazardStatus.RECTIFIED)
    if actor.user_id == rectified_by:
        raise SameVerifier()


def require_reason(reason: str) -> str:
    text = " ".join(reason.split())
    if not text:
        raise ReasonRequired()
    return text[:MAX_TEXT]


def can_invalidate(actor: Actor, status: str) -> None:
    """Not a hazard: decided before its rectification is planned."""
    require_manager(actor)
    require_status(status, HazardStatus.REPORTED, HazardStatus.GRADED)


def overdue(status: str, deadline: dt.date | None, today: dt.date) -> bool:
    """Past its deadline and not yet rectified (a rectification waiting for its check is not)."""
    return status == HazardStatus.PLANNED.value and deadline is not None and deadline < today


def parse_deadline(text: str, today: dt.date) -> dt.date:
    """``2026-12-31``, ``12-31``, ``12月31日`` or ``2026年12月31日`` (``号`` for ``日`` too; ``/``
    or ``.`` for ``-``); a month and day is this year's, or next year's if already past."""
    cleaned = text.strip().replace("/", "-").replace(".", "-")
    for mark, by in (("年", "-"), ("月", "-"), ("日", ""), ("号", "")):  # i18n: dates as typed
        cleaned = cleaned.replace(mark, by)
    parts = [p for p in cleaned.split("-") if p]
    try:
        numbers = [int(p) for p in parts]
        if len(numbers) == 3:
            return dt.date(numbers[0], numbers[1], numbers[2])
        if len(numbers) == 2:
            day = dt.date(today.year, numbers[0], numbers[1])
            return day if day >= today else dt.date(today.year + 1, numbers[0], numbers[1])
    except ValueError:
        pass
    raise BadDeadline(text=text[:40])
