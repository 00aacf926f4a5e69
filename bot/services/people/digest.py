"""The daily digest's line on people standing down: who is not to work in which role until a
certificate is renewed or reviewed.

Loaded for a whole dispatch wave like the digest's hazards section
(``bot.services.reminders.dispatch_types.WaveViews``): one query finds which of the wave's
enterprises hold certificates at all, and only those are read (:mod:`overview`). An
enterprise where nobody stands down gets no line: the group hears nothing about certificates
then (all other certificate talk is private). Names and kinds only, never numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from sqlmodel import Session, col, select

from bot.catalog.people import PeopleRules
from bot.services.people.overview import overviews
from bot.store.models import Enterprise
from bot.store.people_models import Certificate

SHOWN = 8  # people at most in the line; the safety officer's /certs has the rest


@dataclass(frozen=True)
class StandDownLine:
    name: str
    kinds: tuple[tuple[str, str | None], ...]  # each certificate's kind and 作业类别 names


@dataclass(frozen=True)
class StandDown:
    """One enterprise's people not to work in a role, as its digest names them."""

    lines: tuple[StandDownLine, ...]
    more: int  # people not listed

    def as_context(self) -> dict[str, object]:
        """Plain template values, so the rendered line can be remembered like the rest."""
        return {"lines": [asdict(line) for line in self.lines], "more": self.more}


def stand_downs(
    session: Session, rules: PeopleRules, enterprise_ids: Iterable[int], now: dt.datetime
) -> dict[int, StandDown]:
    """The enterprises (of ``enterprise_ids``) where someone stands down, with their line."""
    ids = sorted(set(enterprise_ids))
    if not ids:
        return {}
    holding = session.exec(
        select(Certificate.enterprise_id)
        .where(col(Certificate.enterprise_id).in_(ids), col(Certificate.replaced_by_id).is_(None))
        .distinct()
    ).all()
    if not holding:
        return {}
    enterprises = session.exec(
        select(Enterprise).where(col(Enterprise.id).in_(list(holding))).order_by(col(Enterprise.id))
    ).all()
    found: dict[int, StandDown] = {}
    for view in overviews(session, rules, enterprises, now=now):
        by_name: dict[str, list[tuple[str, str | None]]] = {}
        for line in view.standing_down:
            by_name.setdefault(line.name, []).append((line.kind, line.category))
        if by_name:
            lines = tuple(StandDownLine(n, tuple(k)) for n, k in by_name.items())
            found[view.enterprise_id] = StandDown(lines[:SHOWN], max(0, len(lines) - SHOWN))
    return found
