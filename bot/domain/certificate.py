"""A certificate's dates: when it expires, when it is reviewed, where it stands on a day.

The kind's rules come from ``schedules/people.yaml`` (:class:`CertificateKind`): a validity
from the issue date (or the expiry printed on the certificate), reviews every few years within
it, and the windows in which a review or a renewal is applied for. Reviews fall on the issue
date's anniversaries (issued 2023-05-10, reviewed every 3 of 6 years: review due 2026-05-10,
the certificate replaced by 2029-05-10); a review recorded within the window before a due
date (or later) covers it. Dates are the enterprise's local days; the last valid day is the
expiry date itself.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from bot.catalog.people_models import CertificateKind

__all__ = [
    "DUE_WINDOW_DAYS",
    "LAST_CALL_DAYS",
    "Dates",
    "Milestone",
    "Standing",
    "add_years",
    "dates_of",
    "milestones",
    "parse_date",
    "standing",
]

DUE_WINDOW_DAYS = 60
"""A certificate whose review or expiry falls within this many days is "due soon"."""
LAST_CALL_DAYS = 7
"""A second reminder this many days before a review or expiry still not recorded."""

_DATE = re.compile(
    r"^\s*(\d{4})\s*(?:[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?|(\d{2})(\d{2}))\s*$"  # i18n: date
)


def parse_date(text: str) -> dt.date | None:
    """``2026-01-05``, ``2026/1/5``, ``2026.1.5``, ``2026年1月5日`` or ``20260105``; None if
    the text is none of these or not a real day."""
    found = _DATE.match(text)
    if found is None:
        return None
    year, month, day = (
        found.group(1),
        found.group(2) or found.group(4),
        found.group(3) or found.group(5),
    )
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class Standing(StrEnum):
    VALID = "valid"
    DUE_SOON = "due_soon"  # a review or the expiry within DUE_WINDOW_DAYS
    UNREVIEWED = "unreviewed"  # a review is past due and not recorded: not to work in the role
    EXPIRED = "expired"  # past its expiry: not to work in the role

    @property
    def stands_down(self) -> bool:
        return self in (Standing.UNREVIEWED, Standing.EXPIRED)


@dataclass(frozen=True)
class Dates:
    expires_on: dt.date | None
    review_due_on: dt.date | None  # the next review not yet covered (None: none is due)


def _review_dates(
    kind: CertificateKind, issued_on: dt.date, expires_on: dt.date | None
) -> list[dt.date]:
    every = kind.review_every_years
    if every is None:
        return []
    found: list[dt.date] = []
    k = 1
    while True:
        due = add_years(issued_on, every * k)
        if expires_on is not None and due >= expires_on:
            return found
        found.append(due)
        k += 1
        if expires_on is None and k > 10:
            return found


def dates_of(
    kind: CertificateKind,
    issued_on: dt.date,
    *,
    expires_on: dt.date | None = None,
    last_review_on: dt.date | None = None,
) -> Dates:
    """The expiry (the kind's validity from the issue date, else the date given) and the next
    review a recorded review does not cover."""
    expiry = add_years(issued_on, kind.valid_years) if kind.valid_years else expires_on
    window = dt.timedelta(days=kind.review_window_days or 0)
    for due in _review_dates(kind, issued_on, expiry):
        if last_review_on is None or last_review_on < due - window:
            return Dates(expiry, due)
    return Dates(expiry, None)


def standing(dates: Dates, today: dt.date) -> Standing:
    if dates.expires_on is not None and today > dates.expires_on:
        return Standing.EXPIRED
    if dates.review_due_on is not None and today > dates.review_due_on:
        return Standing.UNREVIEWED
    soon = today + dt.timedelta(days=DUE_WINDOW_DAYS)
    if any(d is not None and d <= soon for d in (dates.expires_on, dates.review_due_on)):
        return Standing.DUE_SOON
    return Standing.VALID


@dataclass(frozen=True)
class Milestone:
    """A day someone is reminded of a certificate: ``kind`` is a reminder kind
    (``cert_review``, ``cert_review_last``, ``cert_renew``, ``cert_renew_last``,
    ``cert_lapsed``), ``due`` the review or expiry it is about."""

    kind: str
    on: dt.date
    due: dt.date


def milestones(kind: CertificateKind, dates: Dates, default_lead_days: int) -> list[Milestone]:
    """Every reminder day of the next review and of the expiry, in date order: when the window
    to apply opens (the kind's own, else ``default_lead_days``), a last call, and the day after
    it lapsed (the holder stands down from then on)."""
    found: list[Milestone] = []
    plans = (
        ("cert_review", dates.review_due_on, kind.review_window_days),
        ("cert_renew", dates.expires_on, kind.renew_window_days),
    )
    for name, due, window in plans:
        if due is None:
            continue
        lead = window or default_lead_days
        found.append(Milestone(name, due - dt.timedelta(days=lead), due))
        if lead > LAST_CALL_DAYS:
            found.append(Milestone(f"{name}_last", due - dt.timedelta(days=LAST_CALL_DAYS), due))
        found.append(Milestone("cert_lapsed", due + dt.timedelta(days=1), due))
    lapsed = [m for m in found if m.kind == "cert_lapsed"]
    if len(lapsed) == 2:  # one lapse only: the earlier (a review past due already stands down)
        found.remove(max(lapsed, key=lambda m: m.on))
    return sorted(found, key=lambda m: (m.on, m.kind))
