"""Registering an enterprise for a group chat, and following the chat when it moves or goes."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from bot.catalog import Catalog
from bot.catalog.models import Period, Sector
from bot.domain.workpattern import WorkPattern
from bot.errors import InvalidName, NotRegistered, UnknownRegion, UnknownSector
from bot.services.digest.settings import retime_pending
from bot.store.models import Enterprise, OccurrenceRow, ReminderRow

NAME_MAX = 60
# Format characters that belong in names: the zero-width joiner and non-joiner (emoji such as
# 👷‍♂️, Persian and Indic scripts) and the tag characters of flag sequences. Other format
# characters (bidi overrides, zero-width spaces) only disguise a name and stay refused.
_NAME_FORMAT_CHARS = re.compile("[\u200c\u200d\U000e0020-\U000e007f]")


def clean_name(raw: str) -> str:
    """An enterprise name with whitespace folded and control characters refused."""
    name = " ".join(raw.split())
    if not name or len(name) > NAME_MAX:
        raise InvalidName(max=NAME_MAX)
    visible = _NAME_FORMAT_CHARS.sub("", name)
    if not visible or any(unicodedata.category(ch) in {"Cc", "Cf", "Co", "Cs"} for ch in visible):
        raise InvalidName(max=NAME_MAX)
    return name


def resolve_sector(catalog: Catalog, text: str) -> Sector:
    sector = catalog.find_sector(text)
    if sector is None:
        raise UnknownSector(given=text, sectors=list(catalog.sectors.values()))
    return sector


def get_by_chat(session: Session, chat_id: int) -> Enterprise | None:
    return session.exec(select(Enterprise).where(Enterprise.chat_id == chat_id)).first()


def require_active(session: Session, chat_id: int) -> Enterprise:
    enterprise = get_by_chat(session, chat_id)
    if enterprise is None or not enterprise.active:
        raise NotRegistered()
    return enterprise


def register(
    session: Session,
    *,
    chat_id: int,
    name: str,
    sector: Sector,
    user_id: int,
    now: dt.datetime,
    timezone: str,
    locale: str,
    region: str | None = None,
    pattern: WorkPattern | None = None,
) -> tuple[Enterprise, bool]:
    """Create the chat's enterprise, or update it when /setup is run again. Returns (row, created).

    ``region`` (an id of ``regions.yaml``): a new enterprise's profile; an existing one keeps
    its profile unless a region is given.
    """
    enterprise = get_by_chat(session, chat_id)
    created = enterprise is None
    if enterprise is None:
        enterprise = Enterprise(
            chat_id=chat_id,
            name=clean_name(name),
            sector=sector.id,
            high_risk=sector.high_risk,
            timezone=timezone,
            locale=locale,
            region=region or "national",
            created_by=user_id,
            created_at=now,
        )
    else:
        enterprise.name = clean_name(name)
        enterprise.sector = sector.id
        enterprise.high_risk = sector.high_risk
        enterprise.active = True
        enterprise.region = region or enterprise.region
        enterprise.materialized_until = None  # the sector may change which obligations apply
    if pattern is not None:
        enterprise.work_pattern, enterprise.shift_starts = pattern.stored()
    session.add(enterprise)
    session.commit()
    session.refresh(enterprise)
    return enterprise, created


def move_chat(session: Session, *, old_chat_id: int, new_chat_id: int) -> Enterprise | None:
    """A group became a supergroup: the enterprise follows it to the new chat id."""
    enterprise = get_by_chat(session, old_chat_id)
    if enterprise is None or get_by_chat(session, new_chat_id) is not None:
        return None
    enterprise.chat_id = new_chat_id
    session.add(enterprise)
    session.commit()
    return enterprise


def deactivate(session: Session, chat_id: int) -> Enterprise | None:
    """The bot was removed from the chat: stop sending there, keep the history."""
    enterprise = get_by_chat(session, chat_id)
    if enterprise is not None and enterprise.active:
        enterprise.active = False
        session.add(enterprise)
        session.commit()
    return enterprise


def set_officer(session: Session, enterprise: Enterprise, user_id: int) -> None:
    """Designate the safety officer, who receives escalations and may run drills and checks."""
    enterprise.safety_officer_id = user_id
    session.add(enterprise)
    session.commit()


def set_pattern(
    session: Session,
    catalog: Catalog,
    enterprise: Enterprise,
    pattern: WorkPattern,
    *,
    now: dt.datetime,
) -> None:
    """Office days or shifts: future open daily occurrences are rewritten by the next tick, and
    reminders not yet sent are re-timed to the new digest days (every day for shifts)."""
    enterprise.work_pattern, enterprise.shift_starts = pattern.stored()
    retime_pending(session, enterprise, now=now)
    daily = [o.id for o in catalog.obligations.values() if o.schedule.period is Period.DAILY]
    _drop_future(session, enterprise, now, col(OccurrenceRow.obligation_id).in_(daily))
    session.add(enterprise)
    session.commit()


def _drop_future(session: Session, enterprise: Enterprise, now: dt.datetime, which: Any) -> None:
    """Delete open occurrences that have not started yet (and their reminders) matching ``which``."""
    dropped = session.exec(
        select(OccurrenceRow.id).where(
            OccurrenceRow.enterprise_id == enterprise.id,
            col(OccurrenceRow.window_start) > now.date(),
            OccurrenceRow.status == "open",
            which,
        )
    ).all()
    if dropped:  # not started, never confirmed: nothing else refers to them but their reminders
        session.execute(delete(ReminderRow).where(col(ReminderRow.occurrence_id).in_(dropped)))
        session.execute(delete(OccurrenceRow).where(col(OccurrenceRow.id).in_(dropped)))


def resolve_region(catalog: Catalog, text: str) -> str:
    """A region id from its id, name or alias (``湖北``, ``ezhou``, ``忻州``)."""
    region = catalog.find_region(text)
    if region is None:
        raise UnknownRegion(given=text, regions=catalog.regions)
    return region.id


def set_region(
    session: Session, catalog: Catalog, enterprise: Enterprise, region: str, *, now: dt.datetime
) -> None:
    """Pick the regional profile (``national`` by default, or ``hubei``, ``ezhou`` …).

    Occurrences that have not started and no longer apply are dropped with their reminders;
    the next tick writes those of the new profile.
    """
    region = resolve_region(catalog, region)
    enterprise.region = region
    enterprise.materialized_until = None
    keep = {o.id for o in catalog.for_enterprise(enterprise.sector, enterprise.high_risk, region)}
    _drop_future(session, enterprise, now, col(OccurrenceRow.obligation_id).not_in(keep))
    session.add(enterprise)
    session.commit()
