"""``safetybot`` command line: parse arguments, build settings, call one function per command.

Operator-facing output (errors about configuration, tables) is English; everything the bot
says in chats comes from ``messages/``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from bot.config import Settings
from bot.datafile import DataFileError

SETUP_HINT = (
    "safetybot: TELEGRAM_BOT_TOKEN is not set. Set it (and TELEGRAM_API_BASE_URL for a "
    "self-hosted Bot API server) in the environment or .env, or run `safetybot demo` to see "
    "the bot work on the built-in emulator without a token."
)


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="safetybot", description="Frontline Safety Bot")
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
    demo.add_argument("--lang", choices=["zh_CN", "en"], default="zh_CN")
    sched = sub.add_parser("schedules", help="the obligation catalog").add_subparsers(
        dest="action", required=True
    )
    check = sched.add_parser("check", help="validate schedules/")
    check.add_argument("path", nargs="?", type=Path)
    show = sched.add_parser("show", help="occurrences an enterprise of a sector would get")
    show.add_argument("--sector", required=True)
    show.add_argument("--from", dest="start", type=_date, required=True)
    show.add_argument("--to", dest="end", type=_date, required=True)
    show.add_argument(
        "--high-risk", dest="high_risk", action=argparse.BooleanOptionalAction, default=None
    )
    show.add_argument("--region", default="all")
    out = show.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true")
    out.add_argument("--ics", type=Path)
    st = sub.add_parser("stats", help="statistics as office staff see them")
    st.add_argument(
        "--chat", type=int, help="an office or enterprise chat id (default: all enterprises)"
    )
    st.add_argument("--from", dest="start", type=_date)
    st.add_argument("--to", dest="end", type=_date)
    st.add_argument("--xlsx", type=Path, help="also write the Excel workbook here")
    up = sub.add_parser("upcoming", help="reminders that will be sent, with fire times")
    up.add_argument("--chat", type=int)
    up.add_argument("--days", type=int, default=30)
    up.add_argument("--json", action="store_true")
    sub.add_parser("db", help="database").add_subparsers(dest="action", required=True).add_parser(
        "upgrade", help="apply migrations"
    )
    sub.add_parser("quiz", help="question bank").add_subparsers(
        dest="action", required=True
    ).add_parser("check", help="validate the question bank")
    return p


def _run(settings: Settings, args: argparse.Namespace) -> int:
    from bot.bootstrap import build_context
    from bot.logging_setup import configure_logging
    from bot.web.service import run_until_signalled

    overrides = {
        key: value
        for key, value in (
            ("webhook_url", args.webhook_url),
            ("webhook_port", args.port),
            ("metrics_port", args.metrics_port),
        )
        if value is not None
    }
    if overrides:
        try:
            settings = Settings(**overrides)  # re-read env/.env so validators see the whole
        except ValidationError as exc:
            for err in exc.errors():
                where = ".".join(map(str, err["loc"])).upper() or "run"
                print(f"safetybot: setting {where}: {err['msg']}", file=sys.stderr)
            return 2
    if settings.telegram_bot_token is None:
        print(SETUP_HINT, file=sys.stderr)
        return 2
    secrets = [settings.telegram_bot_token.get_secret_value()]
    if settings.webhook_secret is not None:
        secrets.append(settings.webhook_secret.get_secret_value())
    configure_logging(settings.log_level, json_lines=settings.log_json, secrets=secrets)
    return asyncio.run(run_until_signalled(build_context(settings)))


def _upcoming(settings: Settings, args: argparse.Namespace) -> int:
    from bot.bootstrap import build_context
    from bot.services.upcoming import upcoming

    ctx = build_context(settings)
    with ctx.session() as session:
        rows = upcoming(session, now=ctx.clock.now(), days=args.days, chat_id=args.chat)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "chat_id": r.chat_id,
                        "enterprise": r.enterprise,
                        "obligation_id": r.obligation_id,
                        "occurrence": r.occurrence_key,
                        "kind": r.kind,
                        "fire_at": r.fire_at.isoformat(),
                        "due": r.due.isoformat(),
                    }
                    for r in rows
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for r in rows:
            print(
                f"{r.fire_at.isoformat()}  {r.chat_id}  {r.kind:<10} {r.obligation_id}  ({r.enterprise})"
            )
    return 0


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "run":
        return _run(settings, args)
    if args.command == "demo":
        from bot.demo import run_demo

        return asyncio.run(run_demo(locale=args.lang))
    if args.command == "schedules":
        from bot.catalog.commands import run_check, run_show

        today = dt.datetime.now(dt.UTC).date()
        if args.action == "check":
            return run_check(args.path, sys.stdout, today=today)
        return run_show(
            sector=args.sector,
            high_risk=args.high_risk,
            start=args.start,
            end=args.end,
            as_json=args.json,
            ics_path=args.ics,
            out=sys.stdout,
            region=args.region,
            tz=settings.bot_timezone,
            locale=settings.bot_locale,
        )
    if args.command == "stats":
        from bot.reports.cli import run_stats
        from bot.reports.quiz_source import QuizStatsSource
        from bot.reports.sources import ReportSources

        return run_stats(
            settings=settings,
            chat_id=args.chat,
            start=args.start,
            end=args.end,
            xlsx_path=args.xlsx,
            out=sys.stdout,
            sources=ReportSources(quiz=QuizStatsSource()),
        )
    if args.command == "upcoming":
        return _upcoming(settings, args)
    if args.command == "db":
        from bot.store.db import make_engine, upgrade

        upgrade(make_engine(settings.database_url))
        print("database is at the latest revision")
        return 0
    if args.command == "quiz":
        from bot.quiz.bank import check_bank

        issues = check_bank(settings.messages_dir / "questions")
        for issue in issues:
            print(issue)
        print(f"{len(issues)} issue(s)" if issues else "question bank OK")
        return 1 if issues else 0
    raise AssertionError(args.command)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        for err in exc.errors():
            print(
                f"safetybot: setting {'.'.join(map(str, err['loc'])).upper()}: {err['msg']}",
                file=sys.stderr,
            )
        return 2
    try:
        return _dispatch(args, settings)
    except DataFileError as exc:
        print(exc, file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
