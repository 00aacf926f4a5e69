"""``build_application``: every handler, job and start-up check wired in one readable place."""

from __future__ import annotations

import logging
import os
import socket
from functools import partial

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, Defaults, TypeHandler

from bot.render import Renderer
from bot.reports.digest import schedule_weekly_digest
from bot.reports.quiz_source import QuizStatsSource
from bot.reports.sources import REPORT_SOURCES_KEY, ReportSources
from bot.runtime import RUNTIME_KEY, Runtime
from bot.scheduling import JobQueueScheduler
from bot.services.context import AppContext
from bot.services.dispatcher import Dispatcher
from bot.telegram.commands import GROUP_COMMANDS, PRIVATE_COMMANDS
from bot.telegram.drill_live import end_stale_drills
from bot.telegram.handlers import (
    drill,
    duties,
    errors,
    events,
    evidence,
    help,
    language,
    membership,
    office,
    office_links,
    quiz,
    reminders,
    roster,
    setup,
    shifts,
    stats,
)
from bot.telegram.notifier import TelegramNotifier
from bot.telegram.quiz_jobs import close_expired_checks, send_due_retests
from bot.telegram.ratelimit import RateLimiter
from bot.telegram.roles import ChatAdmins
from bot.web.metrics import count_update

log = logging.getLogger(__name__)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


async def register_commands(app: Application) -> None:  # type: ignore[type-arg]
    """setMyCommands per language and scope, descriptions from templates."""
    runtime: Runtime = app.bot_data[RUNTIME_KEY]
    renderer = runtime.renderer
    for locale in renderer.locales:
        language = "" if locale == runtime.ctx.settings.bot_locale else locale.split("_")[0]
        for scope, names in (
            (BotCommandScopeAllGroupChats(), GROUP_COMMANDS),
            (BotCommandScopeAllPrivateChats(), PRIVATE_COMMANDS),
        ):
            commands = [BotCommand(n, renderer.text(locale, f"commands/{n}")) for n in names]
            await app.bot.set_my_commands(commands, scope=scope, language_code=language or None)


def build_application(ctx: AppContext, *, auto_tick: bool = True) -> Application:  # type: ignore[type-arg]
    """The PTB application for ``ctx``; ``auto_tick=False`` leaves ticking to the caller (tests, demo)."""
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
    app = builder.rate_limiter(limiter).post_init(register_commands).build()

    renderer = Renderer(s.messages_dir)
    runtime = Runtime(ctx, renderer, ChatAdmins())
    runtime.dispatcher = Dispatcher(
        ctx, TelegramNotifier(app.bot, ctx, renderer), worker=worker_name()
    )
    app.bot_data[RUNTIME_KEY] = runtime
    for hook in (end_stale_drills, close_expired_checks, send_due_retests):
        runtime.hooks.append(partial(hook, ctx, app.bot, renderer))
    app.bot_data[REPORT_SOURCES_KEY] = ReportSources(quiz=QuizStatsSource())
    if auto_tick and app.job_queue is not None:
        scheduler = JobQueueScheduler(app.job_queue, runtime.tick, s.dispatch_interval_seconds)
        runtime.scheduler = scheduler
        scheduler.start()
        schedule_weekly_digest(app.job_queue, runtime)

    app.add_handler(TypeHandler(Update, count_update), group=-1)  # metrics: counts, never answers
    modules = (
        membership,
        setup,
        reminders,
        evidence,
        roster,
        duties,
        events,
        shifts,
        office,
        office_links,
        quiz,
        drill,
        stats,
        language,
        help,
    )
    for module in modules:
        app.add_handlers(module.handlers())
    office.bind(app, runtime)  # the office /stats filter looks chats up in this database
    app.add_handlers(help.fallback_handlers())  # last in group 0: only commands nobody took
    # Plain-message handlers (names typed during setup, evidence replies, …) each get a group
    # of their own, so one feature's message handler never hides another's.
    for group, module in enumerate(modules, start=10):
        if hasattr(module, "message_handlers"):
            app.add_handlers(module.message_handlers(), group=group)
    app.add_error_handler(errors.on_error)
    return app
