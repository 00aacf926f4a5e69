"""The waves of one dispatch in flight: what each claimed, and what keeps overlapping waves in order.

A wave is one claim (``outbox.claim_due``): every due reminder of up to ``batch`` chats. Waves
overlap: the next one is claimed while the tail of the previous one is still being sent, so
Telegram's quota is not left idle during a claim. What keeps that safe is the ``Pipeline``
shared by the waves of one dispatch:

- at most ``concurrency`` chats are posted at once, across waves;
- a chat in two overlapping waves (something fell due between the two claims) gets its
  messages one after the other, in wave order;
- a message with only lead-time news waits until every message carrying something due or
  overdue that was claimed before it has been posted: the morning's due items reach every
  group before anyone's "coming up in 7 days" (the claim already takes those chats first).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from sqlmodel import col, select

from bot.domain.reminder_kind import Family, family_of
from bot.services.context import AppContext
from bot.services.reminders import outbox
from bot.services.reminders.claims import Claim
from bot.services.reminders.dispatch_types import WaveViews
from bot.store.models import Enterprise, OccurrenceRow, ReminderRow

Rows = list[tuple[ReminderRow, OccurrenceRow]]


@dataclass
class Chat:
    """One chat's share of a wave: its enterprise and every row claimed for it."""

    enterprise: Enterprise
    rows: Rows
    urgent: bool  # carries something due, overdue, escalated or snoozed (not only lead time)

    @property
    def ids(self) -> list[int]:
        return [r.id or 0 for r, _ in self.rows]


def chats_of(triples: Iterable[tuple[ReminderRow, OccurrenceRow, Enterprise]]) -> list[Chat]:
    """Group a claim's rows by chat, in the claim's order: urgent chats, then the oldest."""
    by_enterprise: dict[int, Chat] = {}
    for r, o, e in triples:
        chat = by_enterprise.setdefault(r.enterprise_id, Chat(e, [], False))
        chat.rows.append((r, o))
        chat.urgent = chat.urgent or family_of(r.kind) is not Family.LEAD
    return sorted(
        by_enterprise.values(),
        key=lambda c: (not c.urgent, min(r.fire_at for r, _ in c.rows), c.enterprise.id or 0),
    )


@dataclass
class Wave:
    """One claim in flight; ``low_water`` is set once few of its chats are left to start."""

    claim: Claim
    now: dt.datetime  # when it was claimed: the moment its messages are planned for
    chats: list[Chat]
    low_water_at: int  # chats left to start when the next wave should be claimed
    handed_back: list[int] = field(default_factory=list)  # rows left unposted at a stop
    views: WaveViews | None = None  # what its messages show, loaded with the claim
    low_water: asyncio.Event = field(default_factory=asyncio.Event)
    _unstarted: int = -1

    def __post_init__(self) -> None:
        self._unstarted = len(self.chats)
        self._check()

    def started(self) -> None:
        """One more chat began (or was passed over); maybe time to claim the next wave."""
        self._unstarted -= 1
        self._check()

    def _check(self) -> None:
        if self._unstarted <= self.low_water_at:
            self.low_water.set()


class Pipeline:
    """What the overlapping waves of one dispatch share (see the module docstring)."""

    def __init__(self, concurrency: int) -> None:
        self._slots = asyncio.Semaphore(concurrency)
        self._chat_locks: dict[int, asyncio.Lock] = {}
        self._urgent = 0
        self._no_urgent = asyncio.Event()
        self._no_urgent.set()

    def expect(self, chats: Iterable[Chat]) -> None:
        """A new wave's chats: its urgent ones hold back lead-time-only messages from now on."""
        urgent = sum(1 for c in chats if c.urgent)
        if urgent:
            self._urgent += urgent
            self._no_urgent.clear()

    @asynccontextmanager
    async def turn(self, chat: Chat) -> AsyncIterator[None]:
        """Wait for this chat's turn to be posted; ``expect`` must have seen it."""
        try:
            if not chat.urgent:
                await self._no_urgent.wait()
            lock = self._chat_locks.setdefault(chat.enterprise.id or 0, asyncio.Lock())
            async with lock, self._slots:
                yield
        finally:
            if chat.urgent:
                self._urgent -= 1
                if self._urgent == 0:
                    self._no_urgent.set()


def _claim_rows(
    ctx: AppContext, worker: str, batch: int, now: dt.datetime, token: str, lease: dt.timedelta
) -> tuple[list[tuple[ReminderRow, OccurrenceRow, Enterprise]], WaveViews | None]:
    with ctx.session() as session:
        ids = outbox.claim_due(
            session, now=now, worker=worker, token=token, lease=lease, limit=batch
        )
        if not ids:
            return [], None
        triples = list(
            session.exec(
                select(ReminderRow, OccurrenceRow, Enterprise)
                .join(OccurrenceRow, col(OccurrenceRow.id) == col(ReminderRow.occurrence_id))
                .join(Enterprise, col(Enterprise.id) == col(ReminderRow.enterprise_id))
                .where(col(ReminderRow.id).in_(ids))
            ).all()
        )
        views = WaveViews.load(
            session, ctx.catalog, [o for _, o, _ in triples], now, ctx.people_rules
        )
        return triples, views


async def claim_wave(ctx: AppContext, worker: str, batch: int, low_water_at: int) -> Wave | None:
    """Claim the due reminders of up to ``batch`` chats and load them with their enterprises.

    Both queries run in a worker thread: over a large outbox they take a noticeable part of a
    second, which on the event loop would hold back the sends in flight (and bunch them up
    against Telegram's "30 in any second").
    """
    now = ctx.clock.now()
    lease = dt.timedelta(seconds=ctx.settings.claim_lease_seconds)
    claim = Claim.new(expires=now + lease)
    triples, views = await asyncio.to_thread(
        _claim_rows, ctx, worker, batch, now, claim.token, lease
    )
    if not triples:
        return None
    claim.held.update(r.id or 0 for r, _, _ in triples)
    return Wave(claim, now, chats_of(triples), low_water_at, views=views)
