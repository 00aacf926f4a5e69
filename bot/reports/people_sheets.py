"""The workbook's 持证台账 and 培训台账: each person's current certificates, and their training
hours of the year by category against what the rules require.

Columns of the 持证台账: 序号、企业、姓名、岗位、证书种类、作业类别、证书编号、发证日期、下次复审、
有效期至、状态; of the 培训台账: 序号、企业、姓名、岗位、年度, a column per training category,
合计、应完成学时、尚缺学时.

Both are as of the period's last day (today, if the period runs on): the standing of each
certificate then, and the hours of that day's year. A certificate number is written only
where the workbook's reader may see it (:class:`Numbers`); elsewhere the cell says it is not
shared. Photos are never in a workbook.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from openpyxl import Workbook
from sqlmodel import Session, col, select

from bot.catalog.people import PeopleRules
from bot.reports.labels import Labels
from bot.reports.sheets import DATE, Heading, add_sheet
from bot.services.people.ledger import ledger
from bot.store.models import Enterprise


class Numbers(StrEnum):
    """Whose certificate numbers a workbook shows."""

    ALL = "all"  # the operator's command line
    SHARED = "shared"  # an office's: those of enterprises that share them with their offices
    NONE = "none"  # a group's own /report: the file is posted where every member sees it


@dataclass(frozen=True)
class CertificateRow:
    enterprise: str
    name: str
    role: str
    kind: str
    category: str | None
    number: str | None  # None: not to be shown in this workbook
    issued_on: dt.date
    review_due_on: dt.date | None
    expires_on: dt.date | None
    standing: str


@dataclass(frozen=True)
class TrainingRow:
    enterprise: str
    name: str
    role: str
    year: int
    by_category: Mapping[str, float]
    required: float
    missing: float

    @property
    def total(self) -> float:
        return sum(self.by_category.values())


@dataclass(frozen=True)
class PeopleSheets:
    rules: PeopleRules
    certificates: Sequence[CertificateRow]
    training: Sequence[TrainingRow]


def people_rows(
    session: Session, rules: PeopleRules, ids: Sequence[int], *, as_of: dt.date, numbers: Numbers
) -> PeopleSheets:
    """The two registers of these enterprises, by enterprise name then person."""
    enterprises = session.exec(
        select(Enterprise)
        .where(col(Enterprise.id).in_(list(ids)))
        .order_by(col(Enterprise.name), col(Enterprise.id))
    ).all()
    by_id = {e.id: e for e in enterprises}
    order = {e.id: i for i, e in enumerate(enterprises)}
    people = sorted(
        ledger(session, rules, enterprises, today=as_of), key=lambda p: order[p.enterprise_id]
    )
    certificates, training = [], []
    for p in people:
        enterprise = by_id[p.enterprise_id]
        shown = numbers is Numbers.ALL or (
            numbers is Numbers.SHARED and enterprise.share_certificates
        )
        certificates += [
            CertificateRow(
                enterprise.name,
                p.name,
                p.role,
                c.kind,
                c.category,
                c.number if shown else None,
                c.issued_on,
                c.review_due_on,
                c.expires_on,
                c.standing.value,
            )
            for c in p.certificates
        ]
        h = p.hours
        training.append(
            TrainingRow(
                enterprise.name,
                p.name,
                p.role,
                as_of.year,
                h.by_category,
                h.new_required + h.annual_required,
                h.missing,
            )
        )
    return PeopleSheets(rules, certificates, training)


CERTIFICATE_COLUMNS = [
    "hz_index",
    "enterprise",
    "pc_name",
    "pc_role",
    "pc_kind",
    "pc_category",
    "pc_number",
    "pc_issued_on",
    "pc_review_due_on",
    "pc_expires_on",
    "state",
]


def _certificates(wb: Workbook, data: PeopleSheets, lb: Labels, heading: Heading) -> None:
    rows: list[list[object]] = []
    for i, r in enumerate(data.certificates, start=1):
        kind = data.rules.kind(r.kind)
        found = kind.category(r.category) if kind and r.category else None
        rows.append([
            i, r.enterprise, r.name, lb[f"pc_role_{r.role}"],
            kind.name.get(lb.locale) if kind else r.kind,
            found.name.get(lb.locale) if found else (r.category or ""),
            lb["pc_not_shared"] if r.number is None else r.number,
            r.issued_on, r.review_due_on, r.expires_on, lb[f"pc_state_{r.standing}"],
        ])  # fmt: skip
    name = lb["sheet_certificates"]
    add_sheet(wb, name, [lb[k] for k in CERTIFICATE_COLUMNS], rows, {7: DATE, 8: DATE, 9: DATE},
              heading=heading, title=lb.sheet_title(name))  # fmt: skip


def _training(wb: Workbook, data: PeopleSheets, lb: Labels, heading: Heading) -> None:
    categories = data.rules.categories
    headers = [lb["hz_index"], lb["enterprise"], lb["pc_name"], lb["pc_role"], lb["tr_year"],
               *(c.name.get(lb.locale) for c in categories),
               lb["tr_total"], lb["tr_required"], lb["tr_missing"]]  # fmt: skip
    rows: list[list[object]] = []
    for i, r in enumerate(data.training, start=1):
        hours = [r.by_category.get(c.id, 0.0) for c in categories]
        role = lb[f"pc_role_{r.role}"]
        rows.append([i, r.enterprise, r.name, role, r.year, *hours, r.total, r.required, r.missing])
    name = lb["sheet_training"]
    add_sheet(wb, name, headers, rows, {}, heading=heading, title=lb.sheet_title(name))


def add_people_sheets(
    wb: Workbook, data: PeopleSheets | None, lb: Labels, heading: Heading
) -> None:
    """The 持证台账 and 培训台账 sheets (headers even when nobody has a record); none when the
    report was made without the people rules."""
    if data is None:
        return
    _certificates(wb, data, lb, heading)
    _training(wb, data, lb, heading)
