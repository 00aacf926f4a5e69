"""``safetybot`` command line: parse arguments, build settings, call one function per command.

What it says to the operator comes from ``messages/templates/cli/`` in ``BOT_LOCALE``
(:mod:`bot.console`). Bad input -- a malformed date, a path that cannot be written, a database
that does not answer -- is checked before any work (:mod:`bot.cli_input`) and ends in one line
on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from pydantic import ValidationError

from bot.cli.inputs import check_database, parse_date, parse_days, writable_file
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.console import EXIT_USAGE, CliError, Console, setting_errors
from bot.datafile import DataFileError
from bot.i18n import SUPPORTED_LOCALES, normalize_locale


class _Parser(argparse.ArgumentParser):
    """argparse whose errors are a CliError (one translated line), not usage text and exit."""

    def error(self, message: str) -> NoReturn:
        raise CliError("cli/usage", command=self.prog, problem=message)


def _lang(value: str) -> str:
    """``--lang``: a locale as ``/lang`` takes it (``zh``, ``zh_CN``, ``zh-hans``, ``en``)."""
    locale = normalize_locale(value, default="")
    if not locale:
        raise CliError("cli/bad_lang", value=value, valid=", ".join(SUPPORTED_LOCALES))
    return locale


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="safetybot", description="Frontline Safety Bot")
    sub = p.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the bot (long polling, or webhook with --webhook-url)")
    run.add_argument(
        "--webhook-url", help="public HTTPS URL Telegram posts updates to (WEBHOOK_URL)"
    )
    run.add_argument("--port", type=int, help="port of the webhook server (WEBHOOK_PORT)")
    run.add_argument(
        "--metrics-port", type=int, help="polling mode: serve /healthz and /metrics here"
    )
    demo = sub.add_parser(
        "demo", help="act out a scripted month on the built-in emulator; no token needed"
    )
    demo.add_argument("--lang", default="zh_CN", help="zh (zh_CN) or en, as /lang takes them")
    sched = sub.add_parser("schedules", help="the obligation catalog").add_subparsers(
        dest="action", required=True
    )
    check = sched.add_parser("check", help="validate schedules/")
    check.add_argument("path", nargs="?", type=Path)
    show = sched.add_parser("show", help="occurrences an enterprise of a sector would get")
    show.add_argument("--sector", required=True)
    show.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
    show.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
    show.add_argument(
        "--high-risk", dest="high_risk", action=argparse.BooleanOptionalAction, default=None
    )
    show.add_argument("--region", help="regional profile (default: the catalog's national one)")
    out = show.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true")
    out.add_argument("--ics", type=Path, help="write an iCalendar file here")
    holidays = sub.add_parser("holidays", help="holiday data").add_subparsers(
        dest="action", required=True
    )
    holidays_check = holidays.add_parser(
        "check",
        help="is the State Council's holiday notice in for this year and (from October) the"
        " next? exit 0 yes, 1 missing or invalid",
    )
    holidays_check.add_argument("path", nargs="?", type=Path, help="schedules/ or its holidays/")
    st = sub.add_parser("stats", help="statistics as office staff see them")
    st.add_argument(
        "--chat", type=int, help="an office or enterprise chat id (default: all enterprises)"
    )
    st.add_argument("--from", dest="start", help="first day, YYYY-MM-DD")
    st.add_argument("--to", dest="end", help="last day, YYYY-MM-DD")
    st.add_argument("--xlsx", type=Path, help="also write the Excel workbook here")
    hz = sub.add_parser("hazards", help="the hazard register")
    hz.add_argument(
        "--chat", help="an enterprise group or office chat id (default: every enterprise)"
    )
    hz.add_argument("--status", help="open, overdue or closed (default: all)")
    hz.add_argument("--json", action="store_true")
    pp = sub.add_parser("people", help="certificates and this year's training hours")
    pp.add_argument(
        "--chat", help="an enterprise group or office chat id (default: every enterprise)"
    )
    pp.add_argument("--json", action="store_true")
    up = sub.add_parser("upcoming", help="reminders that will be sent, with fire times")
    up.add_argument("--chat", type=int)
    up.add_argument("--days", default="30", help="how far ahead, in days (1 or more)")
    up.add_argument("--json", action="store_true")
    from bot.cli.channels import add_parser as channels_parser

    channels_parser(sub)
    sub.add_parser("db", help="database").add_subparsers(dest="action", required=True).add_parser(
        "upgrade", help="apply migrations"
    )
    sub.add_parser("quiz", help="question bank").add_subparsers(
        dest="action", required=True
    ).add_parser("check", help="validate the question bank")
    return p


def _schedules(args: argparse.Namespace, settings: Settings, console: Console, clock: Clock) -> int:
    from bot.cli.schedules import run_check, run_show

    if args.action == "check":
        today = clock.now().date()
        return run_check(
            args.path or settings.schedules_dir,
            console.out,
            today=today,
            messages_dir=settings.messages_dir,
            locale=console.locale,
        )
    start, end = parse_date("--from", args.start), parse_date("--to", args.end)
    assert start is not None and end is not None  # required options
    region = {"region": args.region} if args.region else {}  # else run_show's default
    return run_show(
        sector=args.sector,
        high_risk=args.high_risk,
        start=start,
        end=end,
        as_json=args.json,
        ics_path=args.ics,
        out=console.out,
        tz=settings.bot_timezone,
        locale=console.locale,
        root=settings.schedules_dir,
        now=clock.now(),
        **region,
    )


def _stats(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    from bot.cli.stats import run_stats
    from bot.reports.quiz_source import QuizStatsSource
    from bot.reports.sources import ReportSources

    start, end = parse_date("--from", args.start), parse_date("--to", args.end)
    xlsx = writable_file("--xlsx", args.xlsx) if args.xlsx is not None else None
    check_database(settings.database_url)
    return run_stats(
        settings=settings,
        chat_id=args.chat,
        start=start,
        end=end,
        xlsx_path=xlsx,
        out=console.out,
        sources=ReportSources(quiz=QuizStatsSource()),
    )


def _dispatch(args: argparse.Namespace, settings: Settings, console: Console, clock: Clock) -> int:
    from bot.cli import commands as cli_commands

    if args.command == "run":
        return cli_commands.run(settings, args, console, clock)
    if args.command == "demo":
        from bot.demo import run_demo

        return asyncio.run(run_demo(locale=_lang(args.lang)))
    if args.command == "schedules":
        return _schedules(args, settings, console, clock)
    if args.command == "holidays":
        from bot.catalog.holiday_check import run_holidays_check

        today = clock.now().date()
        return run_holidays_check(args.path or settings.schedules_dir, console.out, today=today)
    if args.command == "stats":
        return _stats(args, settings, console)
    if args.command == "hazards":
        from bot.cli.hazards import run_hazards

        return run_hazards(
            settings, console, chat=args.chat, status=args.status, json_output=args.json,
            clock=clock,
        )  # fmt: skip
    if args.command == "people":
        from bot.cli.people import run_people

        return run_people(settings, console, chat=args.chat, json_output=args.json, clock=clock)
    if args.command == "upcoming":
        return cli_commands.upcoming(settings, args, console, days=parse_days(args.days))
    if args.command == "channels":
        from bot.cli.channels import run_channels

        return run_channels(settings, console, args, clock)
    if args.command == "db":
        return cli_commands.db_upgrade(settings, console)
    if args.command == "quiz":
        return cli_commands.quiz_check(settings, console)
    raise AssertionError(args.command)


def main(argv: Sequence[str] | None = None, clock: Clock | None = None) -> int:
    """``safetybot``; ``clock`` is the system clock unless a test gives one."""
    clock = clock or SystemClock()
    try:
        settings: Settings | None = Settings()
        problems: list[CliError] = []
    except ValidationError as exc:
        settings, problems = None, setting_errors(exc)
    console = Console(settings.bot_locale if settings else os.environ.get("BOT_LOCALE"))
    try:
        args = _parser().parse_args(argv)
        if settings is None:
            for problem in problems:
                console.fail(problem)
            return EXIT_USAGE
        return _dispatch(args, settings, console, clock)
    except CliError as error:
        return console.fail(error)
    except DataFileError as exc:
        print(exc, file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
