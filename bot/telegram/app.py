"""``build_application``: every handler, job and start-up check wired in one readable place."""

from __future__ import annotations

import logging
import os
import socket
from functools import partial

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, Defaults, TypeHandler

from bot.render import Renderer
from bot.reports.quiz_source import QuizStatsSource
from bot.reports.sources import ReportSources
from bot.scheduling import JobQueueScheduler
from bot.services.channels.fanout import ChannelFanOut
from bot.services.context import AppContext
from bot.services.reminders.dispatch_types import Notifier
from bot.services.reminders.dispatcher import Dispatcher
from bot.telegram import error_handler as errors
from bot.telegram.features import FALLBACK, FEATURES
from bot.telegram.office.digest_job import schedule_weekly_digest
from bot.telegram.profile import register_profile
from bot.telegram.ratelimit import RateLimiter
from bot.telegram.reminders.notifier import TelegramNotifier
from bot.telegram.roles import ChatAdmins
from bot.telegram.runtime import RUNTIME_KEY, Runtime
from bot.web.metrics import CountingNotifier, Metrics

log = logging.getLogger(__name__)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def build_application(
    ctx: AppContext, *, auto_tick: bool = True, metrics: Metrics | None = None
) -> Application:  # type: ignore[type-arg]
    """The PTB application for ``ctx``; ``auto_tick=False`` leaves ticking to the caller (tests,
    demo); ``metrics`` counts what the application does (``/metrics``)."""
    # Opt in to PTB's timedelta durations (RetryAfter.retry_after etc.) and silence its deprecation.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    s = ctx.settings
    if s.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    limiter = RateLimiter(
        overall_max_rate=s.rate_limit_overall_per_second,
        overall_time_period=1,
        group_max_rate=s.rate_limit_group_per_minute,
        group_time_period=s.rate_limit_group_period_seconds,
        max_retries=s.rate_limit_max_retries,
    )
    defaults = Defaults(
        parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
    )
    builder = (
        ApplicationBuilder()
        .token(s.telegram_bot_token.get_secret_value())
        .base_url(s.telegram_api_base_url)
        .defaults(defaults)
        .connect_timeout(s.telegram_connect_timeout)
        .read_timeout(s.telegram_read_timeout)
        .write_timeout(s.telegram_write_timeout)
        .pool_timeout(s.telegram_pool_timeout)
    )
    if s.telegram_api_base_file_url:
        builder = builder.base_file_url(s.telegram_api_base_file_url)
    app = builder.rate_limiter(limiter).post_init(register_profile).build()

    renderer = Renderer(s.messages_dir)
    sources = ReportSources(quiz=QuizStatsSource(), people=ctx.people_rules)
    runtime = Runtime(ctx, renderer, ChatAdmins(), sources)
    # Robot channels (WeCom, DingTalk, Feishu) get their copy before the Telegram send.
    notifier: Notifier = ChannelFanOut(TelegramNotifier(app.bot, ctx, renderer), ctx, renderer)
    if metrics is not None:
        notifier = CountingNotifier(notifier, metrics)
        runtime.tick_listeners.append(metrics.observe_report)
    runtime.dispatcher = Dispatcher(ctx, notifier, worker=worker_name())
    if metrics is not None:
        runtime.dispatcher.renew_listeners.append(metrics.count_renewal)
    app.bot_data[RUNTIME_KEY] = runtime
    for feature in FEATURES:
        runtime.hooks.extend(partial(job, ctx, app.bot, renderer) for job in feature.tick_jobs)
    if auto_tick and app.job_queue is not None:
        scheduler = JobQueueScheduler(app.job_queue, runtime.tick, s.dispatch_interval_seconds)
        runtime.scheduler = scheduler
        scheduler.start()
        schedule_weekly_digest(app.job_queue, runtime)

    if metrics is not None:  # counts in group -1: never answers, never stops other handlers
        app.add_handler(TypeHandler(Update, metrics.count_update), group=-1)
    for feature in FEATURES:
        app.add_handlers(feature.handlers(runtime))
    app.add_handlers(FALLBACK())  # last in group 0: only commands nobody took
    for group, feature in enumerate(FEATURES, start=10):
        app.add_handlers(feature.message_handlers(runtime), group=group)
    app.add_error_handler(errors.on_error)
    if metrics is not None:
        app.add_error_handler(metrics.count_handler_error)
    return app
