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
import logging
import time
from collections.abc import Callable

from bot.domain.digest import worth_sending
from bot.errors import ChatGone, ChatMoved, ChatMuted, RetryLater, SendRejected, SendUnavailable
from bot.services.context import AppContext
from bot.services.reminders import mutes, outbox
from bot.services.reminders.chat_plan import QUIET, digest_day, digest_mode, plan_chat
from bot.services.reminders.claims import Heartbeat
from bot.services.reminders.dispatch_types import (
    DispatchReport,
    Notifier,
    OfficerNotice,
    OutgoingReminder,
    ReminderItem,
    WaveViews,
    views_for,
)
from bot.services.reminders.outcomes import Recorder
from bot.services.reminders.waves import Chat, Pipeline, Wave, claim_wave
from bot.store.models import Enterprise, OccurrenceRow, ReminderRow, ReminderState

__all__ = [
    "DispatchReport",
    "Dispatcher",
    "Notifier",
    "OfficerNotice",
    "OutgoingReminder",
    "ReminderItem",
    "plan_chat",
]


log = logging.getLogger(__name__)


class Dispatcher:
    """Runs one dispatch at a time; several dispatchers may share one database.

    A dispatch is a series of waves (``bot.services.reminders.waves``). A wave claims the due
    reminders of up to ``batch`` chats (all of a chat's, so it gets one message), loads them
    and their enterprises with one query, both in a worker thread (the event loop keeps
    sending meanwhile), and posts one message per chat, up to ``concurrency`` chats at a time;
    PTB's rate limiter paces the sends. The next wave is claimed while the tail of the
    current one is in flight. While waves come back full the backlog is drained within the
    tick, until the next wave would not end before the next tick: that wave is claimed all the
    same and kept for the next tick, which the runtime asks for at once
    (``DispatchReport.backlog``), so the quota does not idle at the tick boundary while it
    claims. A wave with a network failure or a refusal ends the
    drain (those rows are due again at once, and would be retried in a loop); a 429 does not:
    only that chat waits for ``retry_after`` (``DispatchReport.retry_at``).

    ``stop()`` (a graceful shutdown) claims no further wave and starts no further chat: the
    sends in flight finish and are recorded, the chats not yet started are handed back to the
    outbox at once.

    Each wave's claim has its own token and a heartbeat that renews the lease while the wave
    is in flight (``bot.services.reminders.claims``); outcomes are recorded under that token
    (``bot.services.reminders.outcomes``).
    """

    def __init__(
        self,
        ctx: AppContext,
        notifier: Notifier,
        *,
        worker: str,
        batch: int = 100,
        concurrency: int = 16,
    ) -> None:
        self.ctx = ctx
        self.notifier = notifier
        self.worker = worker
        self.batch = batch
        self.concurrency = concurrency
        self.stopping = False
        self._carried: Wave | None = None  # claimed at the end of a tick, for the next one
        # Told how many rows each lease renewal kept (metrics; tests await renewals here).
        self.renew_listeners: list[Callable[[int], None]] = []

    def stop(self) -> None:
        """Graceful shutdown: no further wave or chat; the sends in flight finish."""
        self.stopping = True

    def hand_back(self) -> int:
        """After the last tick: the wave claimed for a next tick goes back to the outbox."""
        wave, self._carried = self._carried, None
        if wave is None:
            return 0
        ids = sorted(wave.claim.held)
        with self.ctx.session() as session:
            return len(outbox.release(session, ids, token=wave.claim.token))

    async def _claim(self) -> Wave | None:
        # Claim the next wave while the last quarter of this one is sent (at least a round of
        # ``concurrency`` sends): long enough to hide the claim, short enough to keep order.
        low_water = max(self.concurrency, self.batch // 4)
        return await claim_wave(self.ctx, self.worker, self.batch, low_water)

    async def run_once(self, *, waves: int | None = None) -> DispatchReport:
        """Waves until nothing more is due, a wave had to retry (not a 429), ``stop()`` was
        called, the next wave would not end before the next tick (PTB's JobQueue skips a tick
        that finds this one running), or ``waves`` waves were posted (then ``backlog`` says
        whether more is due)."""
        report = DispatchReport()
        started = time.monotonic()
        next_tick = started + self.ctx.settings.dispatch_interval_seconds
        pipeline = Pipeline(self.concurrency)
        posting: list[asyncio.Task[None]] = []
        try:
            claimed_at, wave = started, self._carried or await self._claim()
            self._carried = None
            while wave is not None:
                pipeline.expect(wave.chats)  # (after a stop, the wave hands its chats back)
                posting.append(asyncio.create_task(self._post_wave(wave, pipeline, report)))
                if self.stopping or len(wave.chats) < self.batch:
                    break
                await wave.low_water.wait()
                failed = any(t.done() and not t.cancelled() and t.exception() for t in posting)
                if self.stopping or failed or report.retried > report.throttled:
                    break
                now = time.monotonic()
                last = now + (now - claimed_at) > next_tick  # the next wave would end too late
                last = last or (waves is not None and len(posting) >= waves)
                claimed_at, wave = now, await self._claim()
                if last:  # the next tick starts with it, without waiting for a claim
                    self._carried, report.backlog = wave, wave is not None
                    break
        finally:
            outcomes = await asyncio.gather(*posting, return_exceptions=True)
        for outcome in outcomes:  # a crash mid-wave still surfaces, after the other chats
            if isinstance(outcome, BaseException):
                raise outcome
        return report

    async def _post_wave(self, wave: Wave, pipeline: Pipeline, report: DispatchReport) -> None:
        """Post every chat of ``wave`` (in turn, see ``Pipeline``), then hand back what a stop
        left unposted."""
        claim = wave.claim
        recorder = Recorder(self.ctx, self.notifier, claim, report)
        heartbeat = Heartbeat(
            self.ctx, claim, on_lost=recorder.lost, on_renewed=self.renew_listeners
        )
        renewing = asyncio.create_task(heartbeat.run())
        catch_up_after = dt.timedelta(minutes=self.ctx.settings.catchup_after_minutes)

        async def post(chat: Chat) -> None:
            async with pipeline.turn(chat):
                wave.started()
                if self.stopping:
                    wave.handed_back.extend(chat.ids)
                    return
                heartbeat.confirm()
                await self._dispatch_chat(
                    recorder, wave.views, chat.enterprise, chat.rows, wave.now, catch_up_after
                )

        try:
            outcomes = await asyncio.gather(
                *(post(chat) for chat in wave.chats), return_exceptions=True
            )
        finally:
            renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewing
            wave.low_water.set()
        if wave.handed_back:
            with self.ctx.session() as session:
                kept = outbox.release(session, wave.handed_back, token=claim.token)
            claim.settle(wave.handed_back, kept)
            log.info("stopping: %d reminders not yet posted handed back", len(kept))
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome

    async def _dispatch_chat(
        self,
        recorder: Recorder,
        views: WaveViews | None,
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
            day = digest_day(enterprise, items, now)
            outgoing = (
                views.outgoing(enterprise, items, catch_up=catch_up, digest_day=day)
                if views is not None
                else OutgoingReminder(enterprise, items, catch_up, views_for(self.ctx, items), day)
            )
            message_id = await self.notifier.send_reminder(outgoing)
        except ChatMoved as moved:
            recorder.moved(enterprise, send_ids, moved.new_chat_id)
        except ChatMuted:
            await recorder.muted(enterprise, send_ids, now)
        except ChatGone as gone:
            recorder.gone(enterprise, send_ids, str(gone))
        except RetryLater as slow:  # parked for this chat only; the dispatcher comes back then
            until = self.ctx.clock.now() + dt.timedelta(seconds=slow.seconds)
            retried = report.retried
            recorder.retry_later(send_ids, until)
            report.throttle(report.retried - retried, until)
        except SendUnavailable as down:
            recorder.unavailable(enterprise, send_ids, str(down))
        except SendRejected as refused:
            await recorder.refused(enterprise, items, refused.reason, refused.detail)
        except Exception as exc:  # a bug, not Telegram: capped like a refusal, traced once
            await recorder.refused(enterprise, items, "error", type(exc).__name__, exc)
        else:
            await recorder.record_sent(enterprise, send_ids, message_id)
