"""Reading people's records back: per person, their current certificates and the year's hours.

Three queries for any number of enterprises (persons; current certificates; the year's hours
summed by person and category), so ``/stats``, the digest, the office, the Excel report and
``safetybot people`` read the same figures. Certificate numbers and photos are in the rows;
who may see them is decided where they are shown (:func:`may_see_numbers`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.catalog.people import PeopleRules
from bot.domain.certificate import Dates, Standing, dates_of, standing
from bot.domain.training import Hours, hours_of, is_new
from bot.store.models import Enterprise
from bot.store.people_models import Certificate, Person, TrainingRecord


@dataclass(frozen=True)
class CertificateView:
    id: int
    kind: str
    category: str | None
    number: str
    issued_on: dt.date
    dates: Dates
    standing: Standing
    photo_file_id: str | None

    @property
    def expires_on(self) -> dt.date | None:
        return self.dates.expires_on

    @property
    def review_due_on(self) -> dt.date | None:
        return self.dates.review_due_on


@dataclass(frozen=True)
class PersonLedger:
    person_id: int
    enterprise_id: int
    user_id: int | None
    name: str
    role: str
    certificates: list[CertificateView]
    hours: Hours

    @property
    def stands_down(self) -> list[CertificateView]:
        """Certificates expired or past their review: not to work in that role until renewed."""
        return [c for c in self.certificates if c.standing.stands_down]

    @property
    def due_soon(self) -> list[CertificateView]:
        return [c for c in self.certificates if c.standing is Standing.DUE_SOON]


@dataclass(frozen=True)
class PeopleFigures:
    people: int
    certificates: int
    due_soon: int  # certificates due for review or expiring within 60 days
    expired: int  # certificates expired or unreviewed
    standing_down: list[str]  # names of people not to work in a role
    short: int  # people short of their required hours this year
    missing_hours: float


def ledger(
    session: Session,
    rules: PeopleRules,
    enterprises: Sequence[Enterprise],
    *,
    today: dt.date,
) -> list[PersonLedger]:
    """Everyone with a record at ``enterprises``, by enterprise then name; hours of ``today``'s
    year."""
    by_id = {e.id: e for e in enterprises}
    ids = list(by_id)
    if not ids:
        return []
    persons = session.exec(
        select(Person)
        .where(col(Person.enterprise_id).in_(ids))
        .order_by(col(Person.enterprise_id), col(Person.name), col(Person.id))
    ).all()
    certs: dict[int, list[CertificateView]] = defaultdict(list)
    for cert in session.exec(
        select(Certificate)
        .where(col(Certificate.enterprise_id).in_(ids), col(Certificate.replaced_by_id).is_(None))
        .order_by(col(Certificate.id))
    ).all():
        kind = rules.kind(cert.kind)
        if kind is None:  # a kind since removed from people.yaml: still shown, never due
            dates = Dates(cert.expires_on, None)
        else:
            dates = dates_of(
                kind, cert.issued_on, expires_on=cert.expires_on, last_review_on=cert.last_review_on
            )
        certs[cert.person_id].append(
            CertificateView(
                cert.id or 0,
                cert.kind,
                cert.category,
                cert.number,
                cert.issued_on,
                dates,
                standing(dates, today),
                cert.photo_file_id,
            )
        )
    year = dt.date(today.year, 1, 1), dt.date(today.year + 1, 1, 1)
    hours: dict[int, dict[str, float]] = defaultdict(dict)
    for person_id, category, total in session.exec(
        select(TrainingRecord.person_id, TrainingRecord.category, func.sum(TrainingRecord.hours))
        .where(
            col(TrainingRecord.enterprise_id).in_(ids),
            col(TrainingRecord.day) >= year[0],
            col(TrainingRecord.day) < year[1],
        )
        .group_by(col(TrainingRecord.person_id), col(TrainingRecord.category))
    ).all():
        hours[person_id][category] = float(total or 0)
    found = []
    for p in persons:
        enterprise = by_id[p.enterprise_id]
        rule = rules.rule_for(p.role, enterprise.sector)
        found.append(
            PersonLedger(
                p.id or 0,
                p.enterprise_id,
                p.user_id,
                p.name,
                p.role,
                certs.get(p.id or 0, []),
                hours_of(hours.get(p.id or 0, {}), rule, new=is_new(p.joined_on, today.year)),
            )
        )
    return found


def figures(people: Sequence[PersonLedger]) -> PeopleFigures:
    certificates = [c for p in people for c in p.certificates]
    return PeopleFigures(
        people=len(people),
        certificates=len(certificates),
        due_soon=sum(1 for c in certificates if c.standing is Standing.DUE_SOON),
        expired=sum(1 for c in certificates if c.standing.stands_down),
        standing_down=[p.name for p in people if p.stands_down],
        short=sum(1 for p in people if p.hours.short),
        missing_hours=sum(p.hours.missing for p in people),
    )


def may_see_numbers(
    *, viewer_id: int | None, holder_id: int | None, manager: bool, office: bool, shared: bool
) -> bool:
    """Certificate numbers and photos: the holder, the enterprise's managers (admins, the
    safety officer), and linked offices only when the enterprise shares them."""
    if manager or (viewer_id is not None and viewer_id == holder_id):
        return True
    return office and shared
