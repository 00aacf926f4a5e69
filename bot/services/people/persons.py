"""Whose records a manager picks from: the roster's people and those kept without Telegram.

The roster (``member``) lists who joined; a ``Person`` row is made for each the first time a
manager picks from it, so every button carries a person id. Someone without Telegram is a
``Person`` with no user id. Names are matched as typed (``/training 张三 …``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlmodel import Session, col, select

from bot.services.people.records import person_for_user
from bot.services.roster.members import members
from bot.store.models import Enterprise
from bot.store.people_models import Certificate, Person


def roster_people(
    session: Session,
    enterprise_id: int,
    *,
    now: dt.datetime,
    include: tuple[int, str] | None = None,
) -> list[Person]:
    """Everyone a manager may pick at the enterprise, by name: roster members (a person made
    for each not yet kept), ``include`` (the manager's own user id and name: an officer who
    never sent /join keeps records too) and the people kept without Telegram."""
    found = [(m.user_id, m.name) for m in members(session, enterprise_id)]
    for user_id, name in found + ([include] if include else []):
        person_for_user(session, enterprise_id, user_id=user_id, name=name, now=now)
    session.commit()
    return list(
        session.exec(
            select(Person)
            .where(Person.enterprise_id == enterprise_id)
            .order_by(col(Person.name), col(Person.id))
        ).all()
    )


def named(
    session: Session, enterprises: Sequence[Enterprise], name: str, *, now: dt.datetime
) -> list[Person]:
    """The people called ``name`` at any of ``enterprises`` (roster members included)."""
    found: list[Person] = []
    for enterprise in enterprises:
        people = roster_people(session, enterprise.id or 0, now=now)
        found += [p for p in people if p.name.strip() == name.strip()]
    return found


def person_at(session: Session, enterprise_id: int, person_id: int) -> Person | None:
    person = session.get(Person, person_id)
    return person if person is not None and person.enterprise_id == enterprise_id else None


def certificate_of(session: Session, cert_id: int) -> tuple[Certificate, Person] | None:
    """A current (not replaced) certificate and its holder."""
    cert = session.get(Certificate, cert_id)
    if cert is None or cert.replaced_by_id is not None:
        return None
    person = session.get(Person, cert.person_id)
    return None if person is None else (cert, person)
