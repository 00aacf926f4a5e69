"""What became of one wave's sends, written to the outbox under the wave's claim.

Each way posting a chat's reminders can end is recorded here: sent; moved with a group that
became a supergroup; failed because the chat is gone; parked for a flood wait or while the
group has muted the bot; handed back after a network failure; or counted towards
``REMINDER_MAX_FAILURES`` after a refusal a retry may not fix (then failed, and the safety
officer told). Each outcome logs at most one line, without a traceback for Telegram's answers.
Records are fenced by the claim's token: rows another dispatcher took over are reported lost.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection

from bot.services import enterprises
from bot.services.context import AppContext
from bot.services.reminders import mutes, outbox
from bot.services.reminders.claims import Claim
from bot.services.reminders.dispatch_types import (
    DispatchReport,
    Notifier,
    OfficerNotice,
    ReminderItem,
    views_for,
)
from bot.services.reminders.group_commit import GroupCommit
from bot.store.models import Enterprise, ReminderState

log = logging.getLogger("bot.services.reminders.dispatcher")  # the dispatcher's own log


class Recorder:
    """Records one wave's outcomes; shared by the wave's chats and its heartbeat."""

    def __init__(
        self, ctx: AppContext, notifier: Notifier, claim: Claim, report: DispatchReport
    ) -> None:
        self.ctx = ctx
        self.notifier = notifier
        self.claim = claim
        self.report = report
        self._sends = GroupCommit(ctx, claim)

    def lost(self, ids: Collection[int], what: str = "not sent here") -> None:
        """Rows another dispatcher claimed after this claim's lease ran out: one line, counted."""
        self.report.lost += len(ids)
        log.warning(
            "claim %s lost %d reminders to another dispatcher after the lease ran out (%s)",
            self.claim.token,
            len(ids),
            what,
        )

    def _settle(self, ids: Collection[int], kept: set[int], what: str) -> set[int]:
        lost = self.claim.settle(ids, kept)
        if lost:
            self.lost(lost, what)
        return kept

    def close(self, ids: Collection[int], state: ReminderState, error: str | None = None) -> int:
        """Skipped, superseded or failed without a send; returns how many were closed."""
        if not ids:
            return 0
        with self.ctx.session() as session:
            kept = outbox.mark(session, list(ids), token=self.claim.token, state=state, error=error)
        return len(self._settle(ids, kept, "not closed here"))

    async def record_sent(self, enterprise: Enterprise, ids: list[int], message_id: int) -> None:
        """A posted message, recorded together with the other sends of the wave that complete
        meanwhile (``bot.services.reminders.group_commit``); returns once it is written."""
        kept = await self._sends.record(ids, message_id)
        self._sent(enterprise, ids, message_id, kept)

    def _sent(
        self, enterprise: Enterprise, ids: list[int], message_id: int, kept: set[int]
    ) -> None:
        self._settle(ids, kept, f"message {message_id} posted, not recorded here")
        self.report.sent += len(kept)
        self.report.messages += 1
        if enterprise.muted_at is not None and enterprise.id is not None:
            with self.ctx.session() as session:
                held = mutes.lift(session, enterprise.id)
            if held is not None:
                log.info("enterprise %s may post again; %d held reminders due", enterprise.id, held)

    def _park(self, ids: list[int], until: dt.datetime, error: str) -> set[int]:
        with self.ctx.session() as session:
            kept = outbox.release(session, ids, token=self.claim.token, retry_at=until, error=error)
        return self._settle(ids, kept, "not parked here")

    def hold(self, enterprise: Enterprise, ids: list[int]) -> None:
        """The group has muted the bot and the next try is not due: park without sending."""
        assert enterprise.mute_retry_at is not None
        self.report.held += len(self._park(ids, enterprise.mute_retry_at, outbox.MUTED))

    async def muted(self, enterprise: Enterprise, ids: list[int], now: dt.datetime) -> None:
        """Telegram refused the send because the group restricted the bot."""
        assert enterprise.id is not None
        backoff = mutes.Backoff.from_settings(self.ctx.settings)
        with self.ctx.session() as session:
            mute = mutes.mark_muted(session, enterprise.id, now=now, backoff=backoff, refused=True)
        self.report.held += len(self._park(ids, mute.retry_at, outbox.MUTED))
        log.warning(
            "the group of enterprise %s %s the bot (not enough rights); %d reminders held until %s",
            enterprise.id,
            "has muted" if mute.newly else "still mutes",
            len(ids),
            mute.retry_at.isoformat(timespec="seconds"),
        )
        if mute.newly:
            await self.notifier.notify_officer(enterprise, OfficerNotice("muted"))

    def retry_later(self, ids: list[int], retry_at: dt.datetime) -> None:
        """429: keep the rows parked until Telegram's ``retry_after`` has passed."""
        self.report.retried += len(self._park(ids, retry_at, outbox.RETRY_AFTER))

    def moved(self, enterprise: Enterprise, ids: list[int], new_chat_id: int) -> None:
        with self.ctx.session() as session:
            enterprises.move_chat(session, old_chat_id=enterprise.chat_id, new_chat_id=new_chat_id)
            kept = outbox.release(session, ids, token=self.claim.token, error="migrated")
        self.report.retried += len(self._settle(ids, kept, "not released here"))

    def gone(self, enterprise: Enterprise, ids: list[int], detail: str) -> None:
        """The bot was removed or the chat deleted: deactivate, fail the rows."""
        with self.ctx.session() as session:
            enterprises.deactivate(session, enterprise.chat_id)
        self.report.fail(self.close(ids, ReminderState.FAILED, detail[:200]), "chat_gone")
        log.warning("chat gone, enterprise %s deactivated", enterprise.id)

    def unavailable(self, enterprise: Enterprise, ids: list[int], detail: str) -> None:
        """Telegram unreachable or failing on its side: retried on the next tick, not capped."""
        with self.ctx.session() as session:
            kept = outbox.release(session, ids, token=self.claim.token, error=detail[:200])
        self.report.retried += len(self._settle(ids, kept, "not released here"))
        self.report.errors.append(detail)
        log.warning(
            "sending reminders to enterprise %s failed (%s); retrying", enterprise.id, detail
        )

    async def refused(
        self,
        enterprise: Enterprise,
        items: list[ReminderItem],
        reason: str,
        detail: str,
        error: BaseException | None = None,
    ) -> None:
        """A refusal a retry may not fix (or a bug): count it; at the cap, fail and tell."""
        ids = [i.reminder_id for i in items]
        cap = self.ctx.settings.reminder_max_failures
        with self.ctx.session() as session:
            counts = outbox.record_failure(
                session, ids, token=self.claim.token, error=f"{reason}: {detail}", cap=cap
            )
        self._settle(ids, set(counts), "failure not counted here")
        if not counts:
            return
        failed = sorted(i for i, n in counts.items() if n >= cap)
        tries = max(counts.values(), default=0)
        outcome = "given up, marked failed" if failed else "retrying"
        log.warning(
            "sending reminders to enterprise %s failed (%s: %s), try %d of %d; %s",
            enterprise.id,
            reason,
            detail[:120],
            tries,
            cap,
            outcome,
            exc_info=error if error is not None and tries == 1 else None,  # a bug: trace it once
        )
        self.report.retried += len(counts) - len(failed)
        self.report.errors.append(reason)
        if failed:
            self.report.fail(len(failed), reason)
            given_up = [i for i in items if i.reminder_id in failed]
            notice = OfficerNotice("failed", views_for(self.ctx, given_up), reason, cap)
            await self.notifier.notify_officer(enterprise, notice)
