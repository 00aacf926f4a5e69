"""The commands of ``safetybot`` that run the bot or read its database: run, upcoming, db, quiz.

Each receives the parsed arguments, the settings and the :class:`~bot.console.Console`, checks
what it needs before starting (the token, the database), and returns the exit status.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from bot.cli.inputs import check_database
from bot.clock import Clock
from bot.config import Settings
from bot.console import EXIT_USAGE, CliError, Console, setting_errors


def run(
    settings: Settings, args: argparse.Namespace, console: Console, clock: Clock | None = None
) -> int:
    """``safetybot run``: long polling, or the webhook server with ``--webhook-url``.

    ``clock``: the system clock unless a caller injects one (the start-up benchmark)."""
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
            for problem in setting_errors(exc):
                console.fail(problem)
            return EXIT_USAGE
    if settings.telegram_bot_token is None:
        raise CliError("cli/no_token")
    check_database(settings.database_url)
    secrets = [settings.telegram_bot_token.get_secret_value()]
    if settings.webhook_secret is not None:
        secrets.append(settings.webhook_secret.get_secret_value())
    configure_logging(settings.log_level, json_lines=settings.log_json, secrets=secrets)
    return asyncio.run(run_until_signalled(build_context(settings, clock)))


def upcoming(settings: Settings, args: argparse.Namespace, console: Console, *, days: int) -> int:
    """``safetybot upcoming``: reminders firing within ``days``, at each enterprise's local time."""
    from bot.bootstrap import build_context
    from bot.services.reminders.upcoming import upcoming as upcoming_reminders

    check_database(settings.database_url)
    ctx = build_context(settings)
    try:
        with ctx.session() as session:
            rows = upcoming_reminders(session, now=ctx.clock.now(), days=days, chat_id=args.chat)
    finally:
        ctx.engine.dispose()
    if not args.json:
        print(console.lines("cli/upcoming", rows=rows, days=days), file=console.out)
        return 0
    data = [
        {
            "chat_id": r.chat_id,
            "enterprise": r.enterprise,
            "obligation_id": r.obligation_id,
            "occurrence": r.occurrence_key,
            "kind": r.kind,
            "fire_at": r.fire_at.isoformat(),
            "fire_at_local": r.fire_at.astimezone(ZoneInfo(r.timezone)).isoformat(),
            "timezone": r.timezone,
            "due": r.due.isoformat(),
        }
        for r in rows
    ]
    print(json.dumps(data, ensure_ascii=False, indent=2), file=console.out)
    return 0


def db_upgrade(settings: Settings, console: Console) -> int:
    """``safetybot db upgrade``: apply the migrations."""
    from bot.store.db import make_engine, upgrade

    check_database(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    console.say("cli/db_upgraded")
    return 0


def quiz_check(settings: Settings, console: Console) -> int:
    """``safetybot quiz check``: every problem of the question bank, file and line first."""
    from bot.quiz.bank import check_bank

    issues = check_bank(settings.messages_dir / "questions")
    for issue in issues:
        print(issue, file=console.out)
    console.say("cli/quiz_checked", issues=len(issues))
    return 1 if issues else 0
