"""The hazards section of an enterprise's daily digest: open and overdue counts, a few lines.

Loaded for a whole dispatch wave with one query (``summaries``), like the rest of what the
wave's messages show (``bot.services.reminders.dispatch_types.WaveViews``); a press that
re-renders a digest loads its one enterprise the same way. The section only rides a digest:
hazards alone never make the bot post (the overdue escalation goes privately).

What a line shows is plain values (numbers, text, dates), so a rendered section can be
remembered like the digest's other parts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import exists
from sqlmodel import Session, col, select

from bot.domain.hazard import OPEN, overdue
from bot.domain.hazard_states import HazardGrade
from bot.store.hazard_models import Hazard
from bot.store.models import Enterprise
from bot.store.office_models import OfficeLink

SHOWN = 5  # lines at most; the cards in the group hold the rest
SHORT = 30  # characters of a description in a line


@dataclass(frozen=True)
class HazardLine:
    number: int
    description: str  # shortened
    major: bool
    deadline: dt.date | None
    overdue: bool
    link: str | None  # the card's message link (supergroups), if any


@dataclass(frozen=True)
class HazardSummary:
    """One enterprise's open hazards as its digest shows them."""

    open: int
    overdue: int
    major: int
    lines: tuple[HazardLine, ...]  # the overdue ones, then the major ones, at most ``SHOWN``
    more: int  # overdue or major ones not listed
    unreported: bool  # open major hazards, and no office linked to report them to

    def as_context(self) -> dict[str, object]:
        """The section's template values: plain, so the rendered text can be remembered."""
        return {
            "open": self.open,
            "overdue": self.overdue,
            "major": self.major,
            "lines": [asdict(line) for line in self.lines],
            "more": self.more,
            "unreported": self.unreported,
        }


def shorten(text: str, limit: int = SHORT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def card_link(chat_id: int | None, message_id: int | None) -> str | None:
    """``https://t.me/c/<id>/<message>`` for a card in a supergroup (basic groups have none)."""
    text = str(chat_id or "")
    if not message_id or not text.startswith("-100"):
        return None
    return f"https://t.me/c/{text[4:]}/{message_id}"


def _summary(hazards: list[Hazard], today: dt.date, linked: bool) -> HazardSummary:
    late = [h for h in hazards if overdue(h.status, h.deadline, today)]
    majors = [h for h in hazards if h.grade == HazardGrade.MAJOR.value]
    listed = late + [h for h in majors if h not in late]
    lines = tuple(
        HazardLine(
            number=h.number,
            description=shorten(h.description),
            major=h.grade == HazardGrade.MAJOR.value,
            deadline=h.deadline,
            overdue=h in late,
            link=card_link(h.card_chat_id, h.card_message_id),
        )
        for h in listed[:SHOWN]
    )
    return HazardSummary(
        open=len(hazards),
        overdue=len(late),
        major=len(majors),
        lines=lines,
        more=max(0, len(listed) - SHOWN),
        unreported=bool(majors) and not linked,
    )


def summaries(
    session: Session, enterprise_ids: Iterable[int], now: dt.datetime
) -> dict[int, HazardSummary]:
    """The summaries of those enterprises that have open hazards (one query for all)."""
    ids = sorted(set(enterprise_ids))
    if not ids:
        return {}
    linked = exists().where(col(OfficeLink.enterprise_id) == col(Hazard.enterprise_id))
    rows = session.exec(
        select(Hazard, Enterprise.timezone, linked.label("linked"))
        .join(Enterprise, col(Enterprise.id) == col(Hazard.enterprise_id))
        .where(
            col(Hazard.enterprise_id).in_(ids),
            col(Hazard.status).in_([s.value for s in OPEN]),
        )
        .order_by(col(Hazard.enterprise_id), col(Hazard.number))
    ).all()
    grouped: dict[int, tuple[list[Hazard], str, bool]] = {}
    for hazard, zone, has_office in rows:
        grouped.setdefault(hazard.enterprise_id, ([], zone, bool(has_office)))[0].append(hazard)
    return {
        eid: _summary(hazards, now.astimezone(ZoneInfo(zone)).date(), has_office)
        for eid, (hazards, zone, has_office) in grouped.items()
    }
