"""The dispatcher: claim due reminders, decide what to post, post it, record it.

Per chat, everything claimed in one wave goes out as one message: a single reminder, or a
digest when several are due together or when the bot catches up after downtime (then only
the latest reminder of each occurrence is shown; older lead-time ones are superseded).
Reminders for occurrences that are already done are skipped, never posted.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from dataclasses import dataclass, field
from typing import Protocol

from sqlmodel import col, select

from bot.errors import ChatGone, ChatMoved, RetryLater
from bot.services import enterprises, outbox
from bot.services.context import AppContext
from bot.store.models import Enterprise, OccurrenceRow, OccurrenceStatus, ReminderRow, ReminderState

log = logging.getLogger(__name__)

_KIND_ORDER = {"lead": 0, "due": 1, "overdue": 2, "escalate": 3}


def kind_family(kind: str) -> str:
    return kind.split("-", 1)[0]


@dataclass(frozen=True)
class ReminderItem:
    """What one line of a reminder message is about."""

    reminder_id: int
    kind: str
    occurrence: OccurrenceRow


@dataclass(frozen=True)
class OutgoingReminder:
    enterprise: Enterprise
    items: list[ReminderItem]
    catch_up: bool


class Notifier(Protocol):
    """Posts reminders; raises ChatGone, ChatMoved or RetryLater. Returns the message id."""

    async def send_reminder(self, outgoing: OutgoingReminder) -> int: ...


@dataclass
class DispatchReport:
    sent: int = 0
    skipped: int = 0
    superseded: int = 0
    failed: int = 0
    retried: int = 0
    messages: int = 0
    errors: list[str] = field(default_factory=list)
    backlog: bool = False  # stopped with reminders still due: worth ticking again at once


def _rank(kind: str) -> tuple[int, str]:
    return _KIND_ORDER.get(kind_family(kind), 9), kind


def plan_chat(
    rows: list[tuple[ReminderRow, OccurrenceRow]], *, now: dt.datetime, catch_up_after: dt.timedelta
) -> tuple[list[ReminderItem], list[int], list[int], bool]:
    """Split one chat's claimed reminders into (to send, to skip, superseded, is catch-up).

    Only the latest reminder of each occurrence is sent, and only the latest occurrence of
    each obligation (and area): after downtime, yesterday's daily check is not news; it stays
    overdue in /stats.
    """
    skip = [r.id or 0 for r, o in rows if o.status == OccurrenceStatus.DONE.value]
    live = [(r, o) for r, o in rows if o.status != OccurrenceStatus.DONE.value]
    latest: dict[tuple[str, str | None], tuple[ReminderRow, OccurrenceRow]] = {}
    superseded: list[int] = []
    ordered = sorted(live, key=lambda ro: (ro[1].due_at, _rank(ro[0].kind)))
    for r, o in ordered:
        key = (o.obligation_id, o.area)
        if key in latest:
            superseded.append(latest[key][0].id or 0)
        latest[key] = (r, o)
    items = [
        ReminderItem(r.id or 0, r.kind, o)
        for r, o in sorted(latest.values(), key=lambda ro: ro[1].due_at)
    ]
    catch_up = any(now - r.fire_at > catch_up_after for r, _ in live)
    return items, skip, superseded, catch_up


class Dispatcher:
    """Runs one dispatch at a time; several dispatchers may share one database.

    A dispatch is a series of waves. A wave claims up to ``batch`` reminders, loads them and
    their enterprises with one query and posts one message per chat, up to ``concurrency``
    chats at a time (PTB's rate limiter paces the sends; one wave never holds two messages
    for the same chat, so per-chat order is kept). While waves come back full and clean the
    backlog is drained within the tick instead of one batch per dispatch interval.
    """

    def __init__(
        self,
        ctx: AppContext,
        notifier: Notifier,
        *,
        worker: str,
        batch: int = 500,
        concurrency: int = 16,
    ) -> None:
        self.ctx = ctx
        self.notifier = notifier
        self.worker = worker
        self.batch = batch
        self.concurrency = concurrency

    def _load(
        self, ids: list[int]
    ) -> dict[int, tuple[Enterprise, list[tuple[ReminderRow, OccurrenceRow]]]]:
        with self.ctx.session() as session:
            triples = session.exec(
                select(ReminderRow, OccurrenceRow, Enterprise)
                .join(OccurrenceRow, col(OccurrenceRow.id) == col(ReminderRow.occurrence_id))
                .join(Enterprise, col(Enterprise.id) == col(ReminderRow.enterprise_id))
                .where(col(ReminderRow.id).in_(ids))
            ).all()
        by_enterprise: dict[int, tuple[Enterprise, list[tuple[ReminderRow, OccurrenceRow]]]] = {}
        for r, o, e in triples:
            by_enterprise.setdefault(r.enterprise_id, (e, []))[1].append((r, o))
        return by_enterprise

    async def run_once(self) -> DispatchReport:
        """Waves until nothing more is due, a wave had to retry, or the next wave would not
        end before the next tick (PTB's JobQueue skips a tick that finds this one running)."""
        report = DispatchReport()
        started = time.monotonic()
        next_tick = started + self.ctx.settings.dispatch_interval_seconds
        while True:
            wave_started, retried = time.monotonic(), report.retried
            claimed = len(await self._wave(report))
            ended = time.monotonic()
            if claimed < self.batch or report.retried > retried:
                return report
            if ended + (ended - wave_started) > next_tick:
                report.backlog = True
                return report

    async def _wave(self, report: DispatchReport) -> list[int]:
        """Claim one batch and post it; returns the claimed ids."""
        now = self.ctx.clock.now()
        lease = dt.timedelta(seconds=self.ctx.settings.claim_lease_seconds)
        with self.ctx.session() as session:
            ids = outbox.claim_due(
                session, now=now, worker=self.worker, lease=lease, limit=self.batch
            )
        if not ids:
            return ids
        catch_up_after = dt.timedelta(minutes=self.ctx.settings.catchup_after_minutes)
        slots = asyncio.Semaphore(self.concurrency)

        async def post(
            enterprise: Enterprise, rows: list[tuple[ReminderRow, OccurrenceRow]]
        ) -> None:
            async with slots:
                await self._dispatch_chat(enterprise, rows, now, catch_up_after, report)

        outcomes = await asyncio.gather(
            *(post(e, rows) for e, rows in self._load(ids).values()), return_exceptions=True
        )
        for outcome in outcomes:  # a crash mid-wave still surfaces, after the other chats
            if isinstance(outcome, BaseException):
                raise outcome
        return ids

    async def _dispatch_chat(
        self,
        enterprise: Enterprise,
        rows: list[tuple[ReminderRow, OccurrenceRow]],
        now: dt.datetime,
        catch_up_after: dt.timedelta,
        report: DispatchReport,
    ) -> None:
        items, skip, superseded, catch_up = plan_chat(rows, now=now, catch_up_after=catch_up_after)
        send_ids = [i.reminder_id for i in items]
        if skip or superseded:
            with self.ctx.session() as session:
                outbox.mark(session, skip, worker=self.worker, state=ReminderState.SKIPPED)
                outbox.mark(session, superseded, worker=self.worker, state=ReminderState.SUPERSEDED)
        report.skipped += len(skip)
        report.superseded += len(superseded)
        if not items:
            return
        if not enterprise.active:
            with self.ctx.session() as session:
                outbox.mark(
                    session,
                    send_ids,
                    worker=self.worker,
                    state=ReminderState.FAILED,
                    error="inactive",
                )
            report.failed += len(send_ids)
            return
        try:
            message_id = await self.notifier.send_reminder(
                OutgoingReminder(enterprise, items, catch_up)
            )
        except ChatMoved as moved:
            with self.ctx.session() as session:
                enterprises.move_chat(
                    session, old_chat_id=enterprise.chat_id, new_chat_id=moved.new_chat_id
                )
                outbox.release(session, send_ids, worker=self.worker, error="migrated")
            report.retried += len(send_ids)
            return
        except ChatGone as gone:
            with self.ctx.session() as session:
                enterprises.deactivate(session, enterprise.chat_id)
                outbox.mark(
                    session,
                    send_ids,
                    worker=self.worker,
                    state=ReminderState.FAILED,
                    error=str(gone)[:200],
                )
            report.failed += len(send_ids)
            log.warning("chat gone, enterprise %s deactivated", enterprise.id)
            return
        except RetryLater as slow:
            retry_at = now + dt.timedelta(seconds=slow.seconds)
            with self.ctx.session() as session:
                outbox.release(
                    session, send_ids, worker=self.worker, retry_at=retry_at, error="retry_after"
                )
            report.retried += len(send_ids)
            return
        except Exception as exc:
            log.exception("sending reminders to enterprise %s failed", enterprise.id)
            with self.ctx.session() as session:
                outbox.release(session, send_ids, worker=self.worker, error=type(exc).__name__)
            report.retried += len(send_ids)
            report.errors.append(type(exc).__name__)
            return
        with self.ctx.session() as session:
            outbox.mark_sent(
                session,
                send_ids,
                worker=self.worker,
                now=self.ctx.clock.now(),
                message_id=message_id,
            )
        report.sent += len(send_ids)
        report.messages += 1
