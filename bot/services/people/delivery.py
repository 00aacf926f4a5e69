"""What a claimed certificate reminder says, and whether it still holds when it is sent.

``bot.services.people.reminders.claim_due`` claims due rows; :func:`load_claimed` turns each
into a :class:`CertificateNotice` (the certificate, its holder, the enterprise, the milestone it
is about, the recipient's language) or marks it closed: ``superseded`` when the certificate was
renewed or reviewed after the row was planned (its milestone no longer falls on that day),
``skipped`` when the certificate, the person or the enterprise is gone. A row whose day still
holds is sent by ``bot.telegram.people_reminders`` and recorded with
:mod:`bot.services.reminders.outbox` under the claim's token.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.catalog.people import PeopleRules
from bot.catalog.people_models import CertificateKind
from bot.domain.certificate import Milestone, dates_of, milestones
from bot.services.language.preferences import user_locale
from bot.services.reminders import outbox
from bot.store.models import Enterprise, ReminderRow, ReminderState
from bot.store.people_models import Certificate, Person

SHIFT_DAYS = 7  # a reminder day may be moved this far back, to the workday before a holiday


@dataclass(frozen=True)
class CertificateNotice:
    """One claimed reminder to one person, with everything its text names."""

    reminder_id: int
    recipient_id: int
    locale: str
    enterprise: Enterprise
    person: Person
    certificate: Certificate
    kind: CertificateKind
    milestone: Milestone

    @property
    def to_holder(self) -> bool:
        return self.person.user_id == self.recipient_id


def milestone_of(
    rules: PeopleRules, kind: CertificateKind, cert: Certificate, row: ReminderRow, tz: str
) -> Milestone | None:
    """The certificate's current milestone this row was planned for, or None when the dates
    moved since (a review recorded, a renewal): the row is then moot."""
    dates = dates_of(
        kind, cert.issued_on, expires_on=cert.expires_on, last_review_on=cert.last_review_on
    )
    day = row.fire_at.astimezone(ZoneInfo(tz)).date()
    latest = day + dt.timedelta(days=SHIFT_DAYS)
    return next(
        (
            m
            for m in milestones(kind, dates, rules.default_lead_days)
            if m.kind == row.kind and day <= m.on <= latest
        ),
        None,
    )


def load_claimed(
    session: Session, rules: PeopleRules, ids: Sequence[int], *, token: str
) -> list[CertificateNotice]:
    """The claimed rows still worth sending; the others are closed here under ``token``."""
    if not ids:
        return []
    rows = session.exec(
        select(ReminderRow).where(col(ReminderRow.id).in_(list(ids))).order_by(col(ReminderRow.id))
    ).all()
    notices: list[CertificateNotice] = []
    moot: list[int] = []
    gone: list[int] = []
    for row in rows:
        cert = session.get(Certificate, row.certificate_id) if row.certificate_id else None
        person = session.get(Person, cert.person_id) if cert else None
        enterprise = session.get(Enterprise, row.enterprise_id)
        kind = rules.kind(cert.kind) if cert else None
        if (
            cert is None
            or person is None
            or enterprise is None
            or not enterprise.active
            or kind is None
            or row.recipient_id is None
        ):
            gone.append(row.id or 0)
            continue
        milestone = milestone_of(rules, kind, cert, row, enterprise.timezone)
        if cert.replaced_by_id is not None or milestone is None:
            moot.append(row.id or 0)
            continue
        locale = user_locale(session, row.recipient_id) or enterprise.locale
        notices.append(
            CertificateNotice(
                row.id or 0, row.recipient_id, locale, enterprise, person, cert, kind, milestone
            )
        )
    outbox.mark(session, moot, token=token, state=ReminderState.SUPERSEDED)
    outbox.mark(session, gone, token=token, state=ReminderState.SKIPPED)
    return notices
