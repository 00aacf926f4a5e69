"""The dispatcher: claim due reminders, decide what to post, post it, record it.

Per chat, everything claimed in one wave goes out as one message. Routine reminders are timed
to the enterprise's digest moment (``bot.domain.digest``), so that message is the day's
digest; after downtime it is a catch-up (only the latest reminder of each occurrence is
shown; older lead-time ones are superseded). In ``due_only`` mode a day that would only
announce what is days away stays quiet (those rows are skipped as ``quiet``).
Reminders for occurrences that are already done are skipped, never posted. A group that
muted the bot keeps its enterprise: its reminders are held (``bot.services.mutes``) and go out
as one catch-up digest when the bot may write again.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import time
from collections.abc import Callable
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from bot.domain.digest import DigestMode, worth_sending
from bot.domain.reminder_kind import Family, ReminderKind, family_of
from bot.errors import ChatGone, ChatMoved, ChatMuted, RetryLater, SendRejected, SendUnavailable
from bot.services.context import AppContext
from bot.services.reminders import mutes, outbox
from bot.services.reminders.claims import Claim, Heartbeat
from bot.services.reminders.dispatch_types import (
    DispatchReport,
    Notifier,
    OfficerNotice,
    OutgoingReminder,
    ReminderItem,
    views_for,
)
from bot.services.reminders.outcomes import Recorder
from bot.store.models import Enterprise, OccurrenceRow, OccurrenceStatus, ReminderRow, ReminderState

__all__ = [
    "DispatchReport",
    "Dispatcher",
    "Notifier",
    "OfficerNotice",
    "OutgoingReminder",
    "ReminderItem",
    "plan_chat",
]


QUIET = "quiet"  # last_error of lead-time rows a "due_only" digest kept quiet about


def digest_mode(enterprise: Enterprise) -> DigestMode:
    try:
        return DigestMode(enterprise.digest_mode)
    except ValueError:
        return DigestMode.DAILY


def digest_day(
    enterprise: Enterprise, items: list[ReminderItem], now: dt.datetime
) -> dt.date | None:
    """The local day of the digest, unless the message is only snoozes someone asked for."""
    if all(family_of(i.kind) is Family.SNOOZE for i in items):
        return None
    return now.astimezone(ZoneInfo(enterprise.timezone)).date()


def _rank(kind: str) -> tuple[int, str]:
    return ReminderKind.parse(kind).rank, kind


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
    # Held while the group had muted the bot: what fell due meanwhile is a catch-up, too.
    catch_up = any(
        now - r.fire_at > catch_up_after or r.last_error == outbox.MUTED for r, _ in live
    )
    return items, skip, superseded, catch_up


class Dispatcher:
    """Runs one dispatch at a time; several dispatchers may share one database.

    A dispatch is a series of waves. A wave claims the due reminders of up to ``batch`` chats
    (all of a chat's, so it gets one message), loads them and
    their enterprises with one query and posts one message per chat, up to ``concurrency``
    chats at a time (PTB's rate limiter paces the sends; one wave never holds two messages
    for the same chat, so per-chat order is kept). While waves come back full and clean the
    backlog is drained within the tick instead of one batch per dispatch interval.

    Each wave's claim has its own token and a heartbeat that renews the lease while the wave
    is in flight (``bot.services.claims``); outcomes are recorded under that token
    (``bot.services.outcomes``).
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
        # Told how many rows each lease renewal kept (metrics; tests await renewals here).
        self.renew_listeners: list[Callable[[int], None]] = []

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
            chats = await self._wave(report)
            ended = time.monotonic()
            if chats < self.batch or report.retried > retried:
                return report
            if ended + (ended - wave_started) > next_tick:
                report.backlog = True
                return report

    async def _wave(self, report: DispatchReport) -> int:
        """Claim the due reminders of up to ``batch`` chats and post them; returns how many chats."""
        now = self.ctx.clock.now()
        lease = dt.timedelta(seconds=self.ctx.settings.claim_lease_seconds)
        claim = Claim.new(expires=now + lease)
        with self.ctx.session() as session:
            ids = outbox.claim_due(
                session,
                now=now,
                worker=self.worker,
                token=claim.token,
                lease=lease,
                limit=self.batch,
            )
        if not ids:
            return 0
        claim.held.update(ids)
        recorder = Recorder(self.ctx, self.notifier, claim, report)
        heartbeat = Heartbeat(
            self.ctx, claim, on_lost=recorder.lost, on_renewed=self.renew_listeners
        )
        renewing = asyncio.create_task(heartbeat.run())
        catch_up_after = dt.timedelta(minutes=self.ctx.settings.catchup_after_minutes)
        slots = asyncio.Semaphore(self.concurrency)

        async def post(
            enterprise: Enterprise, rows: list[tuple[ReminderRow, OccurrenceRow]]
        ) -> None:
            async with slots:
                heartbeat.confirm()
                await self._dispatch_chat(recorder, enterprise, rows, now, catch_up_after)

        chats = self._load(ids)
        try:
            outcomes = await asyncio.gather(
                *(post(e, rows) for e, rows in chats.values()), return_exceptions=True
            )
        finally:
            renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewing
        for outcome in outcomes:  # a crash mid-wave still surfaces, after the other chats
            if isinstance(outcome, BaseException):
                raise outcome
        return len(chats)

    async def _dispatch_chat(
        self,
        recorder: Recorder,
        enterprise: Enterprise,
        rows: list[tuple[ReminderRow, OccurrenceRow]],
        now: dt.datetime,
        catch_up_after: dt.timedelta,
    ) -> None:
        report, lost = recorder.report, recorder.claim.lost
        rows = [(r, o) for r, o in rows if (r.id or 0) not in lost]  # another dispatcher's now
        items, skip, superseded, catch_up = plan_chat(rows, now=now, catch_up_after=catch_up_after)
        report.skipped += recorder.close(skip, ReminderState.SKIPPED)
        report.superseded += recorder.close(superseded, ReminderState.SUPERSEDED)
        send_ids = [i.reminder_id for i in items]
        if not items:
            return
        if not worth_sending([i.kind for i in items], digest_mode(enterprise)):
            report.skipped += recorder.close(send_ids, ReminderState.SKIPPED, QUIET)
            return
        if not enterprise.active:
            report.fail(recorder.close(send_ids, ReminderState.FAILED, "inactive"), "inactive")
            return
        if mutes.holding(enterprise, now):
            recorder.hold(enterprise, send_ids)
            return
        try:
            views = views_for(self.ctx, items)
            day = digest_day(enterprise, items, now)
            message_id = await self.notifier.send_reminder(
                OutgoingReminder(enterprise, items, catch_up, views, day)
            )
        except ChatMoved as moved:
            recorder.moved(enterprise, send_ids, moved.new_chat_id)
        except ChatMuted:
            await recorder.muted(enterprise, send_ids, now)
        except ChatGone as gone:
            recorder.gone(enterprise, send_ids, str(gone))
        except RetryLater as slow:
            recorder.retry_later(send_ids, now + dt.timedelta(seconds=slow.seconds))
        except SendUnavailable as down:
            recorder.unavailable(enterprise, send_ids, str(down))
        except SendRejected as refused:
            await recorder.refused(enterprise, items, refused.reason, refused.detail)
        except Exception as exc:  # a bug, not Telegram: capped like a refusal, traced once
            await recorder.refused(enterprise, items, "error", type(exc).__name__, exc)
        else:
            recorder.sent(enterprise, send_ids, message_id)
