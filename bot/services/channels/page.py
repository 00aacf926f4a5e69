"""What the confirmation page shows and records (no web, no Telegram: the page calls these).

A confirmation made on the page is the same ``Confirmation`` a button press makes (the same
rules: window open, quota, per person, idempotent per person and slot), with ``channel`` the
robot platform the person came from; a note is an ``Evidence`` note, a photo an ``Evidence``
photo without a Telegram file id whose bytes are already in the evidence store
(``stored_file`` written as stored, so nothing tries to fetch it from Telegram).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, select

from bot.catalog import Catalog
from bot.errors import StaleButton
from bot.services.channels.links import LinkTarget, Person
from bot.services.evidence.records import NOTE_MAX, evidence_for
from bot.services.reminders import confirmations
from bot.services.roster import members as roster
from bot.storage.files import Checked
from bot.store.channel_models import Channel
from bot.store.models import Confirmation, Enterprise, Evidence, Member, OccurrenceRow
from bot.store.storage_models import EVIDENCE, StoredFile

# What an in-app browser says it is (its User-Agent) → the platform it belongs to.
_BROWSERS = (
    ("wxwork", "wecom"),
    ("dingtalk", "dingtalk"),
    ("lark", "feishu"),
    ("feishu", "feishu"),
)


@dataclass(frozen=True)
class PageItem:
    enterprise: Enterprise
    occurrence: OccurrenceRow
    title: str
    confirmations: list[Confirmation]
    evidence: list[Evidence]
    roster: list[Member]
    per_person: bool

    @property
    def done(self) -> bool:
        return self.occurrence.status == "done"


def load_item(session: Session, catalog: Catalog, target: LinkTarget) -> PageItem:
    """The link's occurrence, if it is still its enterprise's (``StaleButton`` otherwise)."""
    enterprise = session.get(Enterprise, target.enterprise_id)
    occ = session.get(OccurrenceRow, target.occurrence_id)
    if enterprise is None or occ is None or occ.enterprise_id != enterprise.id:
        raise StaleButton()
    if not enterprise.active:
        raise StaleButton()
    obligation = catalog.obligations.get(occ.obligation_id)
    title = obligation.title.get(enterprise.locale) if obligation else occ.obligation_id
    return PageItem(
        enterprise=enterprise,
        occurrence=occ,
        title=f"{title}·{occ.area}" if occ.area else title,
        confirmations=confirmations.confirmers(session, target.occurrence_id),
        evidence=evidence_for(session, target.occurrence_id),
        roster=roster.members(session, target.enterprise_id),
        per_person=confirmations.obligation_per_person(catalog, occ),
    )


def channel_for(session: Session, enterprise_id: int, user_agent: str) -> str:
    """The robot platform a confirmation came through: the in-app browser's, if the enterprise
    has a robot there; else its only platform; else ``web``."""
    platforms = set(
        session.exec(select(Channel.platform).where(Channel.enterprise_id == enterprise_id)).all()
    )
    agent = user_agent.lower()
    for marker, platform in _BROWSERS:
        if marker in agent and platform in platforms:
            return platform
    return platforms.pop() if len(platforms) == 1 else "web"


def confirm(
    session: Session,
    catalog: Catalog,
    item: PageItem,
    person: Person,
    *,
    note: str | None,
    channel: str,
    now: dt.datetime,
) -> confirmations.ConfirmResult:
    """Confirm as ``person`` (``NotYetOpen`` before the window); add the note if any."""
    result = confirmations.confirm(
        session, occurrence_id=item.occurrence.id or 0, chat_id=item.enterprise.chat_id,
        user_id=person.user_id, user_name=person.name, now=now, catalog=catalog, channel=channel,
    )  # fmt: skip
    if note and note.strip():
        session.add(
            Evidence(
                occurrence_id=item.occurrence.id or 0,
                enterprise_id=item.enterprise.id or 0,
                user_id=person.user_id,
                kind="note",
                text=note.strip()[:NOTE_MAX],
                created_at=now,
            )
        )
        session.commit()
    return result


def record_photo(
    session: Session, item: PageItem, person: Person, key: str, checked: Checked, now: dt.datetime
) -> Evidence:
    """A photo already put in the evidence store under ``key``: its evidence and stored record."""
    evidence = Evidence(
        occurrence_id=item.occurrence.id or 0, enterprise_id=item.enterprise.id or 0,
        user_id=person.user_id, kind="photo", created_at=now,
    )  # fmt: skip
    session.add(evidence)
    session.flush()
    session.add(  # written as stored at once: nothing is to be fetched from Telegram
        StoredFile(
            enterprise_id=evidence.enterprise_id, source=EVIDENCE, source_id=evidence.id or 0,
            kind="photo", file_id=f"page:{checked.sha256[:40]}", received_at=now, key=key,
            size=checked.size, content_type=checked.content_type, sha256=checked.sha256,
            stored_at=now,
        )
    )  # fmt: skip
    session.commit()
    session.refresh(evidence)
    return evidence


def roster_person(item: PageItem, user_id: int) -> Person | None:
    """The roster member picked on the page, if they are on this enterprise's roster."""
    for member in item.roster:
        if member.user_id == user_id:
            return Person(member.user_id, member.name)
    return None
