"""A certificate's reminders, in the one outbox (``reminder`` rows with ``certificate_id``).

``plan_certificate`` writes a row per reminder day (``bot.domain.certificate.milestones``) and
recipient: the holder (when they have Telegram) and the enterprise's safety officer (else its
registrant), each privately. A reminder falls at the enterprise's digest time on the last
workday on or before its day (a review window opening on a holiday is told the workday
before). Re-planning drops the pending rows first, so a renewal or a review recorded stops
what it made moot; rows already sent stay as the record.

``claim_due`` claims due rows like the group claim does (lease, token, SKIP LOCKED on
PostgreSQL); the rows are then recorded with :mod:`bot.services.reminders.outbox` (``mark_sent``,
``mark``, ``release``), so they are sent once outside the documented crash window.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlmodel import Session, SQLModel, col

from bot.catalog.people import PeopleRules
from bot.domain.certificate import dates_of, milestones
from bot.domain.digest import stored_time
from bot.domain.workcalendar import WorkCalendar
from bot.services.reminders import outbox
from bot.store.models import Enterprise, ReminderRow, ReminderState
from bot.store.people_models import Certificate, Person

_R = SQLModel.metadata.tables["reminder"]
KINDS = ("cert_review", "cert_review_last", "cert_renew", "cert_renew_last", "cert_lapsed")


def recipients(enterprise: Enterprise, person: Person) -> list[int]:
    """Who hears of ``person``'s certificate: the holder and the safety officer (or, with none
    set, whoever registered the enterprise), each once."""
    officer = enterprise.safety_officer_id or enterprise.created_by
    found = [person.user_id] if person.user_id else []
    # An enterprise registered from the command line has no Telegram registrant (0): no officer.
    return found + ([officer] if officer and officer not in found else [])


def plan_certificate(
    session: Session,
    rules: PeopleRules,
    enterprise: Enterprise,
    person: Person,
    cert: Certificate,
    *,
    now: dt.datetime,
    calendar: WorkCalendar | None = None,
) -> int:
    """(Re)write the certificate's pending reminders; returns how many are pending now.

    A replaced certificate gets none. The caller commits.
    """
    session.execute(
        delete(ReminderRow).where(
            col(ReminderRow.certificate_id) == cert.id,
            col(ReminderRow.state) == ReminderState.PENDING.value,
        )
    )
    kind = rules.kind(cert.kind)
    if kind is None or cert.replaced_by_id is not None:
        return 0
    dates = dates_of(
        kind, cert.issued_on, expires_on=cert.expires_on, last_review_on=cert.last_review_on
    )
    zone = ZoneInfo(enterprise.timezone)
    at = stored_time(enterprise.digest_time)
    planned = 0
    for milestone in milestones(kind, dates, rules.default_lead_days):
        day = milestone.on
        if calendar is not None and milestone.kind != "cert_lapsed":
            day = calendar.previous_workday(day, not_before=day - dt.timedelta(days=7))
        fire_at = dt.datetime.combine(day, at, zone).astimezone(dt.UTC)
        if fire_at <= now:
            continue
        for user_id in recipients(enterprise, person):
            session.add(
                ReminderRow(
                    enterprise_id=enterprise.id or 0,
                    certificate_id=cert.id,
                    recipient_id=user_id,
                    kind=milestone.kind,
                    fire_at=fire_at,
                )
            )
            planned += 1
    session.flush()
    return planned


def claim_due(
    session: Session,
    *,
    now: dt.datetime,
    worker: str,
    token: str,
    lease: dt.timedelta,
    limit: int,
) -> list[int]:
    """Claim up to ``limit`` due certificate reminders (oldest first) under ``token``."""
    c = _R.c
    pick = (
        select(c.id)
        .where(c.recipient_id.is_not(None), c.fire_at <= now, outbox.claimable_at(now))
        .order_by(c.fire_at, c.id)
        .limit(limit)
    )
    return outbox.claim_picked(session, pick, now=now, worker=worker, token=token, lease=lease)


def pending_of(session: Session, certificate_id: int) -> list[ReminderRow]:
    """The certificate's reminders still to go out, by time (for tests and the ledger)."""
    return list(
        session.exec(  # type: ignore[call-overload]
            select(ReminderRow)
            .where(
                col(ReminderRow.certificate_id) == certificate_id,
                col(ReminderRow.state) == ReminderState.PENDING.value,
            )
            .order_by(col(ReminderRow.fire_at))
        ).scalars()
    )
