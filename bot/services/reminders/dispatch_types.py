"""What the dispatcher hands its notifier, and what it reports after a tick.

Kept apart from the dispatcher so the recording of outcomes (``bot.services.outcomes``), the
metrics and the Telegram notifier can share them without importing the dispatch loop.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from sqlmodel import Session

from bot.catalog import Catalog
from bot.catalog.people import PeopleRules
from bot.services.channels.handover import active_channels
from bot.services.context import AppContext
from bot.services.hazards.summary import HazardSummary, summaries
from bot.services.people.digest import StandDown, stand_downs
from bot.services.reminders import tidy
from bot.services.reminders.tidy import StaleMessage
from bot.services.reminders.views import ItemView, Shown, item_views, load_shown
from bot.store.channel_models import Channel
from bot.store.models import Enterprise, OccurrenceRow


@dataclass(frozen=True)
class ReminderItem:
    """What one line of a reminder message is about."""

    reminder_id: int
    kind: str
    occurrence: OccurrenceRow
    fire_at: dt.datetime | None = None  # when it was planned for (the digest moment, mostly)


@dataclass(frozen=True)
class OutgoingReminder:
    """One message for one chat: its items, and what each line shows (built by the dispatcher
    in its own session, so the notifier only renders and sends)."""

    enterprise: Enterprise
    items: list[ReminderItem]
    catch_up: bool
    views: list[ItemView] = field(default_factory=list)
    # The local day of the digest this is (None: a snooze someone asked for, on its own).
    digest_day: dt.date | None = None
    # The chat's earlier messages a digest tidies, with what each shows (None: look them up).
    tidy: list[tuple[int, list[ItemView]]] | None = None
    # A digest's hazards section (None: no open hazards, or not a digest).
    hazards: HazardSummary | None = None
    # A digest's line on people standing down (None: nobody does, or not a digest).
    people: StandDown | None = None
    # The enterprise's active robot channels (WeCom, DingTalk, Feishu) the message also goes to.
    channels: list[Channel] = field(default_factory=list)


@dataclass(frozen=True)
class OfficerNotice:
    """Something about the group's reminders the safety officer should hear privately.

    ``muted``: the group restricted the bot; its reminders are held. ``failed``: Telegram kept
    refusing ``items`` (``reason`` is the short label, e.g. ``topic_closed``) and the bot gave up.
    """

    kind: Literal["muted", "failed"]
    views: list[ItemView] = field(default_factory=list)
    reason: str | None = None
    attempts: int = 0


class Notifier(Protocol):
    """Posts reminders and tells safety officers.

    ``send_reminder`` returns the message id or raises ChatGone, ChatMuted, ChatMoved,
    RetryLater, SendRejected or SendUnavailable (``bot.errors``); anything else is a bug and
    is handled like a rejection. ``notify_officer`` is best effort and never raises.
    """

    async def send_reminder(self, outgoing: OutgoingReminder) -> int: ...

    async def notify_officer(self, enterprise: Enterprise, notice: OfficerNotice) -> None: ...


@dataclass
class DispatchReport:
    sent: int = 0
    skipped: int = 0
    superseded: int = 0
    failed: int = 0
    retried: int = 0
    held: int = 0  # parked because the group has muted the bot
    lost: int = 0  # claims another dispatcher took over after the lease: neither sent nor recorded
    messages: int = 0
    errors: list[str] = field(default_factory=list)
    failed_by: Counter[str] = field(default_factory=Counter)  # failed, by reason
    backlog: bool = False  # stopped with reminders still due: worth ticking again at once
    throttled: int = 0  # of ``retried``: parked for a 429 until Telegram's ``retry_after``
    retry_at: dt.datetime | None = None  # when the earliest of those may go again

    def throttle(self, parked: int, until: dt.datetime) -> None:
        """``parked`` rows wait for a 429's ``retry_after``: the dispatcher is due back then."""
        if not parked:
            return
        self.throttled += parked
        self.retry_at = until if self.retry_at is None else min(self.retry_at, until)

    def fail(self, count: int, reason: str) -> None:
        self.failed += count
        self.failed_by[reason] += count


@dataclass(frozen=True)
class WaveViews:
    """What the messages of one dispatch wave show, loaded for the whole wave with a fixed
    number of queries (``load``, in the claim's session) rather than for each message: the
    confirmations, evidence and rosters of every claimed occurrence, and each chat's earlier
    messages a digest tidies, with theirs; and the open hazards of the wave's enterprises,
    for the digests' hazards section (one query); and who stands down there, for the digests'
    people line (a query, and the ledger of the enterprises holding certificates)."""

    catalog: Catalog
    shown: Shown
    stale: dict[int, list[StaleMessage]]
    hazards: dict[int, HazardSummary] = field(default_factory=dict)
    people: dict[int, StandDown] = field(default_factory=dict)  # who stands down, if anyone
    channels: dict[int, list[Channel]] = field(default_factory=dict)  # robot channels

    @classmethod
    def load(
        cls,
        session: Session,
        catalog: Catalog,
        occurrences: Iterable[OccurrenceRow],
        now: dt.datetime,
        people_rules: PeopleRules | None = None,
    ) -> WaveViews:
        """Views of the wave's claimed ``occurrences`` and of their chats' earlier messages."""
        occurrences = list(occurrences)
        stale = tidy.stale_of(session, (o.enterprise_id for o in occurrences), now=now)
        earlier = [occ for msgs in stale.values() for m in msgs for _, occ in m.shown]
        shown = load_shown(session, catalog, [*occurrences, *earlier])
        hazards = summaries(session, (o.enterprise_id for o in occurrences), now)
        people = (
            stand_downs(session, people_rules, (o.enterprise_id for o in occurrences), now)
            if people_rules is not None
            else {}
        )
        channels = active_channels(session, (o.enterprise_id for o in occurrences))
        return cls(catalog, shown, stale, hazards, people, channels)

    def outgoing(
        self,
        enterprise: Enterprise,
        items: list[ReminderItem],
        *,
        catch_up: bool,
        digest_day: dt.date | None,
    ) -> OutgoingReminder:
        """The message for one chat of the wave (its items among those loaded)."""
        views = self.shown.views(self.catalog, [(i.kind, i.occurrence) for i in items])
        earlier = [
            (m.message_id, self.shown.views(self.catalog, m.shown))
            for m in self.stale.get(enterprise.id or 0, [])
        ]
        hazards = self.hazards.get(enterprise.id or 0) if digest_day is not None else None
        people = self.people.get(enterprise.id or 0) if digest_day is not None else None
        return OutgoingReminder(
            enterprise, items, catch_up, views, digest_day=digest_day, tidy=earlier,
            hazards=hazards, people=people, channels=self.channels.get(enterprise.id or 0, []),
        )  # fmt: skip


def views_for(ctx: AppContext, items: Sequence[ReminderItem]) -> list[ItemView]:
    """``item_views`` for dispatched items, in a session of its own."""
    with ctx.session() as session:
        return item_views(session, ctx.catalog, [(i.kind, i.occurrence) for i in items])
