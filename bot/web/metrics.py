"""Prometheus metrics: what the dispatcher reported, updates handled, Telegram errors by kind.

The dispatcher is observed from outside: its per-tick ``DispatchReport`` (a Runtime tick
listener), its notifier (wrapped to count send failures) and PTB's error handlers. Outbox
gauges are computed from the database at scrape time. Each ``Metrics`` has its own registry,
so several bots in one process (tests) do not collide.
"""

from __future__ import annotations

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    disable_created_metrics,
    generate_latest,
)
from telegram import Update
from telegram import error as tg
from telegram.ext import ContextTypes

from bot.errors import ChatGone, ChatMoved, ChatMuted, RetryLater, SendRejected, SendUnavailable
from bot.services.reminders.dispatch_types import (
    DispatchReport,
    Notifier,
    OfficerNotice,
    OutgoingReminder,
)
from bot.services.reminders.outbox_stats import OutboxStats
from bot.store.models import Enterprise

disable_created_metrics()  # type: ignore[no-untyped-call]  # no *_created series: smaller scrapes

# Most specific first: BadRequest and TimedOut are NetworkErrors too, ChatMuted a ChatGone.
_KINDS: tuple[tuple[type[BaseException], str], ...] = (
    (ChatMuted, "chat_muted"),
    (ChatGone, "chat_gone"),
    (SendRejected, "bad_request"),
    (SendUnavailable, "network"),
    (ChatMoved, "chat_migrated"),
    (RetryLater, "retry_after"),
    (tg.RetryAfter, "retry_after"),
    (tg.ChatMigrated, "chat_migrated"),
    (tg.Forbidden, "forbidden"),
    (tg.BadRequest, "bad_request"),
    (tg.TimedOut, "timed_out"),
    (tg.InvalidToken, "invalid_token"),
    (tg.Conflict, "conflict"),
    (tg.NetworkError, "network"),
    (tg.TelegramError, "other"),
)


def error_kind(exc: BaseException) -> str | None:
    """A short label for a Telegram failure, or None when ``exc`` has nothing to do with Telegram."""
    # The notifier wraps Telegram's errors; the original says more (timed_out, not "network").
    cause = exc.__cause__ if isinstance(exc, SendRejected | SendUnavailable) else None
    for candidate in (cause, exc):
        for cls, kind in _KINDS:
            if candidate is not None and isinstance(candidate, cls):
                return kind
    return None


def update_type(update: Update) -> str:
    """The update's kind (message, callback_query, …): a small fixed set, fine as a label."""
    return next((str(t) for t in Update.ALL_TYPES if getattr(update, str(t), None)), "other")


class Metrics:
    def __init__(self) -> None:
        r = self.registry = CollectorRegistry()
        self.sent = Counter("safetybot_reminders_sent", "Reminders posted", registry=r)
        self.failed = Counter(
            "safetybot_reminders_failed",
            "Reminders given up, by reason (chat_gone, inactive, topic_closed, bad_request, …)",
            ["reason"],
            registry=r,
        )
        self.held = Counter(
            "safetybot_reminders_held",
            "Reminders parked because the group has muted the bot (sent later as a digest)",
            registry=r,
        )
        self.claims_lost = Counter(
            "safetybot_claims_lost",
            "Claimed reminders another dispatcher took over after the lease ran out",
            registry=r,
        )
        self.lease_renewals = Counter(
            "safetybot_lease_renewals", "Lease renewals of waves still in flight", registry=r
        )
        self.retried = Counter(
            "safetybot_reminders_retried", "Reminders handed back for a later try", registry=r
        )
        self.skipped = Counter(
            "safetybot_reminders_skipped",
            "Reminders not posted: already done or superseded by a later one",
            registry=r,
        )
        self.messages = Counter(
            "safetybot_reminder_messages", "Reminder messages (one per chat and wave)", registry=r
        )
        self.ticks = Counter("safetybot_dispatch_ticks", "Dispatcher waves run", registry=r)
        self.last_tick = Gauge(
            "safetybot_last_tick_timestamp_seconds", "When this instance last ticked", registry=r
        )
        self.pending = Gauge(
            "safetybot_reminders_pending", "Reminders not sent yet (shared database)", registry=r
        )
        self.due = Gauge(
            "safetybot_reminders_due", "Pending reminders whose fire time has come", registry=r
        )
        self.lag = Gauge(
            "safetybot_dispatch_lag_seconds", "Now minus the oldest due fire time", registry=r
        )
        self.updates = Counter(
            "safetybot_updates_handled", "Updates received from Telegram", ["type"], registry=r
        )
        self.telegram_errors = Counter(
            "safetybot_telegram_errors", "Telegram API failures by kind", ["kind"], registry=r
        )
        self.handler_errors = Counter(
            "safetybot_handler_errors", "Exceptions in update handlers and jobs", registry=r
        )
        self.webhook_rejected = Counter(
            "safetybot_webhook_rejected", "Webhook requests without the right secret", registry=r
        )

    async def count_update(self, update: object, _context: ContextTypes.DEFAULT_TYPE) -> None:
        """TypeHandler callback in group -1: count, never answer, never stop other handlers."""
        if isinstance(update, Update):
            self.updates.labels(type=update_type(update)).inc()

    async def count_handler_error(
        self, _update: object, context: ContextTypes.DEFAULT_TYPE
    ) -> None:
        """A second error handler: the first one logs, this one counts."""
        if context.error is not None:
            self.handler_errors.inc()
            self.count_error(context.error)

    def count_renewal(self, _kept: object) -> None:
        self.lease_renewals.inc()

    def observe_report(self, report: DispatchReport) -> None:
        self.ticks.inc()
        self.sent.inc(report.sent)
        for reason, count in report.failed_by.items():
            self.failed.labels(reason=reason).inc(count)
        self.held.inc(report.held)
        self.claims_lost.inc(report.lost)
        self.retried.inc(report.retried)
        self.skipped.inc(report.skipped + report.superseded)
        self.messages.inc(report.messages)
        self.last_tick.set_to_current_time()

    def observe_outbox(self, stats: OutboxStats) -> None:
        self.pending.set(stats.pending)
        self.due.set(stats.due)
        self.lag.set(stats.lag_seconds)

    def count_error(self, exc: BaseException) -> None:
        kind = error_kind(exc)
        if kind is not None:
            self.telegram_errors.labels(kind=kind).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)


class CountingNotifier:
    """Wraps the dispatcher's notifier: every failed send is counted by kind, then re-raised."""

    def __init__(self, inner: Notifier, metrics: Metrics) -> None:
        self.inner = inner
        self.metrics = metrics

    async def send_reminder(self, outgoing: OutgoingReminder) -> int:
        try:
            return await self.inner.send_reminder(outgoing)
        except Exception as exc:
            self.metrics.count_error(exc)
            raise

    async def notify_officer(self, enterprise: Enterprise, notice: OfficerNotice) -> None:
        await self.inner.notify_officer(enterprise, notice)
