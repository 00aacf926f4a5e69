"""A certificate reminder's text (``people_reminders/reminder``), to its holder or the officer.

The kind's name and 作业类别 in the recipient's language, the day it is about, the days left, the
number (the recipients are the holder and the safety officer, who may see it) and the kind's
citations grouped by source (《…》第二十一条、第二十二条).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.catalog.people import PeopleRules
from bot.domain.certificate import dates_of
from bot.render import Renderer
from bot.services.people.delivery import CertificateNotice

STAGES = {
    "cert_review": "review",
    "cert_review_last": "review",
    "cert_renew": "renew",
    "cert_renew_last": "renew",
    "cert_lapsed": "lapsed",
}


def sources(rules: PeopleRules, notice: CertificateNotice) -> list[dict[str, object]]:
    """The kind's citations, one entry per source in the order first cited."""
    clauses: dict[str, list[str]] = {}
    for cite in notice.kind.cites:
        clauses.setdefault(cite.source, []).append(cite.clause)
    return [{"title": rules.source_title(s), "clauses": c} for s, c in clauses.items()]


def reminder(
    rules: PeopleRules, renderer: Renderer, notice: CertificateNotice, now: dt.datetime
) -> str:
    cert, kind, milestone = notice.certificate, notice.kind, notice.milestone
    locale = notice.locale
    today = now.astimezone(ZoneInfo(notice.enterprise.timezone)).date()
    category = kind.category(cert.category) if cert.category else None
    review_due = dates_of(
        kind, cert.issued_on, expires_on=cert.expires_on, last_review_on=cert.last_review_on
    ).review_due_on
    return renderer.render(
        locale,
        "people_reminders/reminder",
        stage=STAGES.get(milestone.kind, "lapsed"),
        to_holder=notice.to_holder,
        person=notice.person.name,
        kind_name=kind.name.get(locale),
        category_name=category.name.get(locale) if category else None,
        due=milestone.due,
        after=milestone.due + dt.timedelta(days=1),
        days_left=max(0, (milestone.due - today).days),
        review_lapsed=milestone.due == review_due,
        enterprise=notice.enterprise.name,
        number=cert.number,
        sources=sources(rules, notice),
    )
