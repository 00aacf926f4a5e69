"""Registering an enterprise for a group chat, and following the chat when it moves or goes."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from sqlalchemy import delete
from sqlmodel import Session, col, select

from bot.catalog import Catalog
from bot.catalog.models import Sector
from bot.errors import InvalidName, NotRegistered, UnknownRegion, UnknownSector
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
) -> tuple[Enterprise, bool]:
    """Create the chat's enterprise, or update it when /setup is run again. Returns (row, created)."""
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
            created_by=user_id,
            created_at=now,
        )
    else:
        enterprise.name = clean_name(name)
        enterprise.sector = sector.id
        enterprise.high_risk = sector.high_risk
        enterprise.active = True
        enterprise.materialized_until = None  # the sector may change which obligations apply
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


def set_region(
    session: Session, catalog: Catalog, enterprise: Enterprise, region: str, *, now: dt.datetime
) -> None:
    """Pick the regional profile (``all``, ``hubei``, ``hunan``, ``shanxi``, ``national``).

    Occurrences that have not started and no longer apply are dropped with their reminders;
    the next tick writes those of the new profile.
    """
    if region != "all" and region not in catalog.regions:
        raise UnknownRegion(given=region, regions=["all", *catalog.regions])
    enterprise.region = region
    enterprise.materialized_until = None
    keep = {o.id for o in catalog.for_enterprise(enterprise.sector, enterprise.high_risk, region)}
    dropped = [
        occ.id
        for occ in session.exec(
            select(OccurrenceRow).where(
                OccurrenceRow.enterprise_id == enterprise.id,
                col(OccurrenceRow.window_start) > now.date(),
                OccurrenceRow.status == "open",
                col(OccurrenceRow.obligation_id).not_in(keep),
            )
        ).all()
    ]
    if dropped:  # not started, never confirmed: nothing else refers to them but their reminders
        session.execute(delete(ReminderRow).where(col(ReminderRow.occurrence_id).in_(dropped)))
        session.execute(delete(OccurrenceRow).where(col(OccurrenceRow.id).in_(dropped)))
    session.add(enterprise)
    session.commit()
