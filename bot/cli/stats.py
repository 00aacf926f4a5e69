"""``safetybot stats``: the office view of statistics from the command line.

With ``--chat`` the figures cover what that chat sees (an office chat: its enterprises; an
enterprise group: itself); without it, every enterprise in the database (the operator's view).
Text comes from the same translated templates as the bot's, in ``BOT_LOCALE``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from sqlmodel import select

from bot.bootstrap import build_context
from bot.cli.inputs import write_file
from bot.clock import Clock
from bot.config import Settings
from bot.errors import DomainError
from bot.render import Renderer
from bot.reports import build
from bot.reports.labels import load_labels
from bot.reports.people_sheets import Numbers
from bot.reports.period import Period, last_days, local_today
from bot.reports.sources import ReportSources
from bot.services.context import AppContext
from bot.services.office import linking as offices
from bot.store.models import Enterprise


def run_stats(
    *,
    settings: Settings,
    chat_id: int | None,
    start: dt.date | None,
    end: dt.date | None,
    xlsx_path: Path | None,
    out: TextIO,
    sources: ReportSources | None = None,
    clock: Clock | None = None,
) -> int:
    """Print the statistics (and write the workbook to ``xlsx_path``); 0 on success, 1 on error."""
    ctx = build_context(settings, clock)
    sources = replace(sources or ReportSources(), people=ctx.people_rules)
    try:
        return _stats(ctx, chat_id, start, end, xlsx_path, out, sources)
    finally:
        ctx.engine.dispose()


def _stats(
    ctx: AppContext,
    chat_id: int | None,
    start: dt.date | None,
    end: dt.date | None,
    xlsx_path: Path | None,
    out: TextIO,
    sources: ReportSources,
) -> int:
    renderer = Renderer(ctx.settings.messages_dir)
    locale, tz, now = ctx.settings.bot_locale, ctx.settings.bot_timezone, ctx.clock.now()
    try:
        with ctx.session() as session:
            numbers = Numbers.ALL  # the operator's; an office's workbook: what it may see
            if chat_id is None:
                ids = [i for i in session.exec(select(Enterprise.id)).all() if i is not None]
            else:
                office, ids = offices.visible_enterprise_ids(session, chat_id)
                if office is not None:
                    locale, tz, numbers = office.locale, office.timezone, Numbers.SHARED
            period = _period(start, end, local_today(now, tz))
            data = build.collect(
                session, ids, period, tz=tz, now=now, sources=sources, numbers=numbers
            )
    except DomainError as error:
        message = renderer.plain(
            locale,
            "reports/cli_error",
            error=type(error).__name__,
            chat_id=chat_id,
            **error.context,
        )
        out.write(message + "\n")
        return 1
    labels = load_labels(renderer, ctx.catalog, locale, period, ctx.hazard_standards)
    out.write(renderer.plain(locale, "reports/cli_stats", report=data.stats, labels=labels) + "\n")
    if xlsx_path is not None:
        files = build.render_files(data, labels, tz=tz)
        write_file("--xlsx", xlsx_path, files.workbook)  # CliError: one line, exit status 2
        write_file("--xlsx", xlsx_path.with_suffix(".png"), files.chart)
        out.write(renderer.plain(locale, "reports/cli_written", path=str(xlsx_path)) + "\n")
    return 0


def _period(start: dt.date | None, end: dt.date | None, today: dt.date) -> Period:
    if start is None and end is None:
        return last_days(today)
    end = end or today
    return Period(start or end - dt.timedelta(days=29), end)  # BadPeriod if end < start
