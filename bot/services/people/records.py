"""Writing people's records: a person, a certificate (new, renewed, reviewed), training hours.

Every function checks its input against ``schedules/people.yaml`` and the actor's rights and
raises a :mod:`bot.domain.people_errors` refusal before writing anything; on success it
commits, with the certificate's reminders re-planned in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from bot.catalog.people import PeopleRules
from bot.catalog.people_models import ROLES
from bot.domain import people_errors as err
from bot.domain.certificate import dates_of
from bot.domain.training import round_hours
from bot.domain.workcalendar import WorkCalendar
from bot.services.people.reminders import plan_certificate
from bot.store.models import Enterprise
from bot.store.people_models import Certificate, Person, TrainingRecord

MAX_HOURS = 200.0  # one entry; more is a typing mistake


@dataclass(frozen=True)
class Actor:
    """Who asks: their user id, and whether they manage the enterprise (chat admin or the
    safety officer), which lets them edit anyone's record there."""

    user_id: int
    manager: bool


def check_may_edit(actor: Actor, person: Person) -> None:
    if not actor.manager and (person.user_id is None or person.user_id != actor.user_id):
        raise err.NotYourRecord(name=person.name)


def person_for_user(
    session: Session, enterprise_id: int, *, user_id: int, name: str, now: dt.datetime
) -> Person:
    """The enterprise's person with this Telegram user id, made on first use (name kept fresh)."""
    person = session.exec(
        select(Person).where(Person.enterprise_id == enterprise_id, Person.user_id == user_id)
    ).first()
    if person is None:
        person = Person(
            enterprise_id=enterprise_id, user_id=user_id, name=name[:120], created_at=now
        )
        session.add(person)
        session.flush()
    elif name and person.name != name[:120]:
        person.name = name[:120]
    return person


def add_person(
    session: Session,
    actor: Actor,
    enterprise_id: int,
    *,
    name: str,
    role: str,
    joined_on: dt.date | None,
    now: dt.datetime,
) -> Person:
    """Someone without Telegram the officer keeps records for."""
    if not actor.manager:
        raise err.NotYourRecord(name=name)
    if role not in ROLES:
        raise err.UnknownCategory(field="role", given=role, choices=", ".join(ROLES))
    person = Person(
        enterprise_id=enterprise_id,
        name=name.strip()[:120],
        role=role,
        joined_on=joined_on,
        created_at=now,
    )
    session.add(person)
    session.commit()
    return person


def set_role(
    session: Session, actor: Actor, person: Person, *, role: str, joined_on: dt.date | None
) -> None:
    if not actor.manager:
        raise err.NotYourRecord(name=person.name)
    if role not in ROLES:
        raise err.UnknownCategory(field="role", given=role, choices=", ".join(ROLES))
    person.role, person.joined_on = role, joined_on
    session.add(person)
    session.commit()


@dataclass(frozen=True)
class CertificateInput:
    kind: str
    category: str | None
    number: str
    issued_on: dt.date
    expires_on: dt.date | None = None
    photo_file_id: str | None = None


def check_certificate(rules: PeopleRules, given: CertificateInput, today: dt.date) -> None:
    """Every refusal a certificate's fields can earn, in the order they are asked."""
    kind = rules.kind(given.kind)
    if kind is None:
        choices = ", ".join(k.id for k in rules.kinds)
        raise err.UnknownCertificateKind(field="kind", given=given.kind, choices=choices)
    if kind.categories and (given.category is None or kind.category(given.category) is None):
        choices = ", ".join(c.id for c in kind.categories)
        raise err.UnknownCategory(field="category", given=given.category or "", choices=choices)
    if not kind.number.matches(given.number):
        raise err.BadNumber(field="number", kind=kind.id, hint=kind.number.hint)
    if given.issued_on > today:
        raise err.DateInFuture(field="issued_on", given=given.issued_on)
    if kind.valid_years is None and given.expires_on is None:
        raise err.ExpiryRequired(field="expires_on", kind=kind.id)
    dates = dates_of(kind, given.issued_on, expires_on=given.expires_on)
    if dates.expires_on is not None and dates.expires_on < given.issued_on:
        raise err.ExpiryBeforeIssue(
            field="expires_on", issued_on=given.issued_on, expires_on=dates.expires_on
        )


def record_certificate(
    session: Session,
    rules: PeopleRules,
    actor: Actor,
    person: Person,
    enterprise: Enterprise,
    given: CertificateInput,
    *,
    today: dt.date,
    now: dt.datetime,
    calendar: WorkCalendar | None = None,
) -> Certificate:
    """A new certificate for ``person``; one of the same kind and category it renews is kept
    as replaced. Its reminders are planned; the replaced one's pending reminders dropped."""
    check_may_edit(actor, person)
    check_certificate(rules, given, today)
    kind = rules.kind(given.kind)
    assert kind is not None
    expiry = dates_of(kind, given.issued_on, expires_on=given.expires_on).expires_on
    cert = Certificate(
        person_id=person.id or 0,
        enterprise_id=person.enterprise_id,
        kind=kind.id,
        category=given.category if kind.categories else None,
        number=given.number,
        issued_on=given.issued_on,
        expires_on=expiry,
        photo_file_id=given.photo_file_id,
        recorded_by=actor.user_id,
        recorded_at=now,
    )
    session.add(cert)
    session.flush()
    for old in current_of(session, person.id or 0, kind.id, cert.category):
        if old.id != cert.id:
            old.replaced_by_id = cert.id
            session.add(old)
            plan_certificate(session, rules, enterprise, person, old, now=now)
    plan_certificate(session, rules, enterprise, person, cert, now=now, calendar=calendar)
    session.commit()
    return cert


def current_of(
    session: Session, person_id: int, kind: str, category: str | None
) -> list[Certificate]:
    query = select(Certificate).where(
        Certificate.person_id == person_id,
        Certificate.kind == kind,
        col(Certificate.replaced_by_id).is_(None),
    )
    query = query.where(
        col(Certificate.category).is_(None)
        if category is None
        else Certificate.category == category
    )
    return list(session.exec(query).all())


def record_review(
    session: Session,
    rules: PeopleRules,
    actor: Actor,
    person: Person,
    enterprise: Enterprise,
    cert: Certificate,
    *,
    reviewed_on: dt.date,
    today: dt.date,
    now: dt.datetime,
    calendar: WorkCalendar | None = None,
) -> None:
    """The certificate passed its 复审 on ``reviewed_on``; its next reminders are re-planned."""
    check_may_edit(actor, person)
    if reviewed_on > today:
        raise err.DateInFuture(field="reviewed_on", given=reviewed_on)
    if reviewed_on < cert.issued_on:
        raise err.ExpiryBeforeIssue(
            field="reviewed_on", issued_on=cert.issued_on, expires_on=reviewed_on
        )
    cert.last_review_on = reviewed_on
    session.add(cert)
    plan_certificate(session, rules, enterprise, person, cert, now=now, calendar=calendar)
    session.commit()


def add_training(
    session: Session,
    rules: PeopleRules,
    actor: Actor | None,
    person: Person,
    *,
    day: dt.date,
    category: str,
    hours: float,
    today: dt.date,
    now: dt.datetime,
    source: str = "manual",
    source_ref: str | None = None,
) -> TrainingRecord | None:
    """Hours of training on ``day``; ``actor`` None: counted by the bot itself (``source_ref``
    makes that idempotent: None is returned when it was counted already)."""
    if actor is not None and not actor.manager:
        raise err.NotYourRecord(name=person.name)
    if rules.category(category) is None:
        choices = ", ".join(c.id for c in rules.categories)
        raise err.UnknownCategory(field="category", given=category, choices=choices)
    if not 0 < hours <= MAX_HOURS or round_hours(hours) != hours:
        raise err.BadHours(field="hours", given=hours, most=MAX_HOURS)
    if day > today:
        raise err.DateInFuture(field="day", given=day)
    if source_ref is not None:
        seen = session.exec(
            select(TrainingRecord.id).where(
                TrainingRecord.person_id == person.id, TrainingRecord.source_ref == source_ref
            )
        ).first()
        if seen is not None:
            return None
    record = TrainingRecord(
        person_id=person.id or 0,
        enterprise_id=person.enterprise_id,
        day=day,
        category=category,
        hours=hours,
        source=source,
        source_ref=source_ref,
        recorded_by=actor.user_id if actor else None,
        recorded_at=now,
    )
    session.add(record)
    session.commit()
    return record
