"""People's figures as chats show them: per enterprise, who stands down, what falls due soon,
who is short of hours (``/stats``, the office's ``/stats``, the daily digest).

Everything here is names, kinds and dates, never a certificate's number or photo: these
figures are posted in groups and office chats. The ledger is read once for all the
enterprises asked about (:func:`bot.services.people.ledger.ledger`), each on its own local day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.catalog.people import PeopleRules
from bot.domain.certificate import Standing
from bot.services.people.ledger import (
    CertificateView,
    PeopleFigures,
    PersonLedger,
    figures,
    ledger,
)
from bot.store.models import Enterprise

SHOWN = 10  # names at most in each list of a chat message


def kind_names(
    rules: PeopleRules, kind_id: str, category: str | None, locale: str
) -> tuple[str, str | None]:
    """The kind's name (特种作业操作证) and its 作业类别's (电工作业), if it has one."""
    kind = rules.kind(kind_id)
    if kind is None:  # a kind since removed from people.yaml
        return kind_id, category
    found = kind.category(category) if category else None
    return kind.name.get(locale), found.name.get(locale) if found else category


@dataclass(frozen=True)
class CertificateLine:
    """One certificate of a named person: its kind, where it stands and the date that matters
    (the expiry or review it is past, or the one coming)."""

    name: str
    kind: str  # the kind's name in the chat's language
    category: str | None  # its 作业类别's name, if it has one
    standing: str  # a :class:`bot.domain.certificate.Standing` value
    date: dt.date | None
    review: bool  # ``date`` is a review (复审), not the expiry


@dataclass(frozen=True)
class ShortLine:
    name: str
    missing: float  # hours still needed this year
    new: bool  # new this year: short of 岗前 hours


@dataclass(frozen=True)
class PeopleOverview:
    """One enterprise's people figures (``people`` 0: no record yet)."""

    enterprise_id: int
    enterprise: str
    figures: PeopleFigures
    standing_down: list[CertificateLine]  # expired or unreviewed: not to work in that role
    due_soon: list[CertificateLine]  # a review or the expiry within 60 days
    short: list[ShortLine]


def _date_of(cert: CertificateView) -> tuple[dt.date | None, bool]:
    """The date a line shows and whether it is a review: the expiry of an expired certificate,
    the review an unreviewed one missed, else the sooner of the two."""
    review, expiry = cert.review_due_on, cert.expires_on
    if cert.standing is Standing.EXPIRED or review is None:
        return expiry, False
    if cert.standing is Standing.UNREVIEWED or expiry is None or review <= expiry:
        return review, True
    return expiry, False


def _line(
    rules: PeopleRules, person: PersonLedger, cert: CertificateView, locale: str
) -> CertificateLine:
    date, review = _date_of(cert)
    kind, category = kind_names(rules, cert.kind, cert.category, locale)
    return CertificateLine(person.name, kind, category, cert.standing.value, date, review)


def _overview(
    rules: PeopleRules, enterprise: Enterprise, people: list[PersonLedger], locale: str,
    today: dt.date,
) -> PeopleOverview:  # fmt: skip
    down = [_line(rules, p, c, locale) for p in people for c in p.stands_down]
    soon = [_line(rules, p, c, locale) for p in people for c in p.due_soon]
    soon.sort(key=lambda line: line.date or today)
    short = [ShortLine(p.name, p.hours.missing, p.hours.new_missing > 0)
             for p in people if p.hours.short]  # fmt: skip
    short.sort(key=lambda line: -line.missing)
    return PeopleOverview(enterprise.id or 0, enterprise.name, figures(people), down, soon, short)


def local_today(enterprise: Enterprise, now: dt.datetime) -> dt.date:
    return now.astimezone(ZoneInfo(enterprise.timezone)).date()


def ledgers(
    session: Session, rules: PeopleRules, enterprises: Sequence[Enterprise], *, now: dt.datetime
) -> dict[int, list[PersonLedger]]:
    """Each enterprise's ledger on its own local day (one read per distinct day)."""
    by_day: dict[dt.date, list[Enterprise]] = defaultdict(list)
    for enterprise in enterprises:
        by_day[local_today(enterprise, now)].append(enterprise)
    found: dict[int, list[PersonLedger]] = {e.id or 0: [] for e in enterprises}
    for today, group in by_day.items():
        for person in ledger(session, rules, group, today=today):
            found[person.enterprise_id].append(person)
    return found


def overviews(
    session: Session,
    rules: PeopleRules,
    enterprises: Sequence[Enterprise],
    *,
    now: dt.datetime,
    locale: str | None = None,
) -> list[PeopleOverview]:
    """The figures of each of ``enterprises`` (in their order), kinds named in ``locale``
    (None: each enterprise's own language)."""
    read = ledgers(session, rules, enterprises, now=now)
    return [
        _overview(rules, e, read[e.id or 0], locale or e.locale, local_today(e, now))
        for e in enterprises
    ]


def for_enterprise_ids(
    session: Session,
    rules: PeopleRules,
    enterprise_ids: Sequence[int],
    *,
    now: dt.datetime,
    locale: str | None = None,
) -> list[PeopleOverview]:
    """:func:`overviews` of the enterprises with these ids, by name (an office's view)."""
    if not enterprise_ids:
        return []
    enterprises = session.exec(
        select(Enterprise)
        .where(col(Enterprise.id).in_(list(enterprise_ids)))
        .order_by(col(Enterprise.name), col(Enterprise.id))
    ).all()
    return overviews(session, rules, enterprises, now=now, locale=locale)
