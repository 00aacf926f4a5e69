"""``safetybot channels add|list|remove|test|register``: robot channels from the command line.

``add --chat ID --wecom URL`` (or ``--dingtalk URL --secret S``, ``--feishu URL --secret S``;
``--keyword K`` for a robot secured by a keyword); ``list [--chat ID]``; ``remove --chat ID N``;
``test --chat ID`` posts a short test message to each active robot of the enterprise through
the same adapter as the reminders and says what each robot answered (exit status 1 unless
every robot took it); ``register --name … --sector … --wecom URL`` creates an enterprise that
is only on a robot channel and prints the chat id of ours it got (for ``--chat``).
Webhook addresses are printed masked; a bad one is one line and exit status 2.
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

import httpx
from sqlmodel import Session, col, select

from bot.bootstrap import build_context
from bot.channels.adapters import Robot, post
from bot.channels.outcomes import Broken, Outcome, Posted, Rejected, Throttled
from bot.channels.platforms import SHAPES, check_webhook, mask
from bot.cli.hazards import parse_chat
from bot.cli.inputs import check_database
from bot.clock import Clock
from bot.config import Settings
from bot.console import CliError, Console
from bot.errors import BadWebhook, InvalidName, UnknownRegion, UnknownSector
from bot.services import enterprises
from bot.services.channels import registry
from bot.services.context import AppContext
from bot.store.channel_models import Channel
from bot.store.models import Enterprise


def add_parser(sub: Any) -> None:
    """The ``channels`` command and its actions, on ``safetybot``'s subparsers."""
    ch = sub.add_parser("channels", help="WeCom, DingTalk and Feishu robot channels")
    actions = ch.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="add a robot channel to an enterprise")
    add.add_argument("--chat", required=True, help="the enterprise's chat id")
    reg = actions.add_parser("register", help="an enterprise only on a robot channel")
    reg.add_argument("--name", required=True)
    reg.add_argument("--sector", required=True)
    reg.add_argument("--region", help="regional profile (default: BOT_REGION)")
    for parser in (add, reg):
        which = parser.add_mutually_exclusive_group(required=True)
        for platform in SHAPES:
            which.add_argument(f"--{platform}", metavar="URL", help=f"webhook: {SHAPES[platform]}")
        parser.add_argument(
            "--secret", help="signing secret (DingTalk and Feishu signature security)"
        )
        parser.add_argument("--keyword", help="the robot's keyword, if secured by one")
    listing = actions.add_parser("list", help="robot channels (of one enterprise with --chat)")
    listing.add_argument("--chat")
    remove = actions.add_parser("remove", help="remove robot channel N of an enterprise")
    remove.add_argument("--chat", required=True)
    remove.add_argument("number", type=int)
    test = actions.add_parser("test", help="post a test message to each robot of an enterprise")
    test.add_argument("--chat", required=True)


def _enterprise(session: Session, chat: str | None) -> Enterprise:
    chat_id = parse_chat(chat)
    found = enterprises.get_by_chat(session, chat_id) if chat_id is not None else None
    if found is None:
        raise CliError("cli/unknown_chat", value=chat)
    return found


def _webhook(args: argparse.Namespace) -> tuple[str, str]:
    return next((p, getattr(args, p)) for p in SHAPES if getattr(args, p))


def _add(
    ctx: AppContext, session: Session, enterprise: Enterprise, args: argparse.Namespace
) -> registry.Added:
    platform, url = _webhook(args)
    try:
        return registry.add_channel(
            session, enterprise, platform, url, args.secret, args.keyword, None,
            now=ctx.clock.now(),
        )  # fmt: skip
    except BadWebhook as bad:
        raise CliError("cli/channels_bad_webhook", **bad.context) from None


def _register(ctx: AppContext, session: Session, args: argparse.Namespace) -> Enterprise:
    settings = ctx.settings
    try:
        sector = enterprises.resolve_sector(ctx.catalog, args.sector)
        region = enterprises.resolve_region(ctx.catalog, args.region or settings.bot_region)
        enterprises.clean_name(args.name)
    except UnknownSector:
        valid = ", ".join(s.id for s in ctx.catalog.sectors.values())
        raise CliError("cli/unknown_sector", given=args.sector, valid=valid) from None
    except UnknownRegion:
        raise CliError("cli/unknown_region", value=args.region) from None
    except InvalidName:
        raise CliError("cli/channels_bad_name", max=enterprises.NAME_MAX) from None
    platform, url = _webhook(args)
    try:  # the webhook is checked before anything is created
        check_webhook(platform, url, secret=args.secret, keyword=args.keyword)
    except BadWebhook as bad:
        raise CliError("cli/channels_bad_webhook", **bad.context) from None
    return registry.register_robot_enterprise(
        session, name=args.name, sector=sector, now=ctx.clock.now(),
        timezone=settings.bot_timezone, locale=settings.bot_locale, region=region,
    )  # fmt: skip


def _test_body(platform: str, text: str) -> dict[str, Any]:
    if platform == "feishu":
        element = {"tag": "div", "text": {"tag": "lark_md", "content": text}}
        return {"msg_type": "interactive", "card": {"elements": [element]}}
    return {"msgtype": "text", "text": {"content": text}}


def _outcome_words(outcome: Outcome) -> tuple[str, str]:
    if isinstance(outcome, Posted):
        return "posted", ""
    if isinstance(outcome, Throttled):
        return "throttled", str(outcome.code)
    if isinstance(outcome, Broken):
        return "broken", f"{outcome.reason} ({outcome.code})"
    if isinstance(outcome, Rejected):
        return "rejected", f"{outcome.code}: {outcome.detail}"
    return "unavailable", outcome.detail


async def _post_tests(ctx: AppContext, channels: list[Channel], text: str) -> list[Outcome]:
    async with httpx.AsyncClient(timeout=10.0) as client:
        return [
            await post(
                client,
                Robot(c.platform, c.webhook_url, c.secret, c.keyword),
                _test_body(c.platform, text),
                now=ctx.clock.now(),
                base_url=ctx.settings.robot_webhook_base_url,
            )
            for c in channels
        ]


def run_channels(
    settings: Settings, console: Console, args: argparse.Namespace, clock: Clock | None = None
) -> int:
    check_database(settings.database_url)
    ctx = build_context(settings, clock)
    try:
        return _run(ctx, console, args)
    finally:
        ctx.engine.dispose()


def _run(ctx: AppContext, console: Console, args: argparse.Namespace) -> int:
    with ctx.session() as session:
        if args.action == "register":
            enterprise = _register(ctx, session, args)
            added = _add(ctx, session, enterprise, args)
            console.say("cli/channels_registered", name=enterprise.name, chat=enterprise.chat_id)
        elif args.action == "add":
            enterprise = _enterprise(session, args.chat)
            added = _add(ctx, session, enterprise, args)
        elif args.action == "remove":
            enterprise = _enterprise(session, args.chat)
            gone = registry.remove_channel(session, enterprise.id or 0, args.number)
            if gone is None:
                raise CliError("cli/channels_no_such", number=args.number)
            console.say("cli/channels_removed", platform=gone.platform, url=mask(gone.webhook_url))
            return 0
        elif args.action == "list":
            shown = [_enterprise(session, args.chat)] if args.chat else None
            rows = _listing(session, shown)
            console.say("cli/channels_count", count=sum(len(c) for _, c in rows))
            if rows:
                print(console.lines("cli/channels_list", rows=rows), file=console.out)
            return 0
        else:
            enterprise = _enterprise(session, args.chat)
            channels = [c for c in registry.channels_of(session, enterprise.id or 0) if c.active]
            if not channels:
                raise CliError("cli/channels_none", chat=enterprise.chat_id)
            text = console.line("cli/channels_test_message", name=enterprise.name)
            outcomes = asyncio.run(_post_tests(ctx, channels, text))
            for number, (channel, outcome) in enumerate(zip(channels, outcomes, strict=True), 1):
                what, detail = _outcome_words(outcome)
                console.say(
                    "cli/channels_tested", number=number, platform=channel.platform,
                    url=mask(channel.webhook_url), outcome=what, detail=detail,
                )  # fmt: skip
            return 0 if all(isinstance(o, Posted) for o in outcomes) else 1
    console.say(
        "cli/channels_added", platform=added.channel.platform, created=added.created,
        url=mask(added.channel.webhook_url), name=enterprise.name, chat=enterprise.chat_id,
    )  # fmt: skip
    if not ctx.settings.desk_base_url:
        console.warn("cli/channels_no_page")
    return 0


def _listing(
    session: Session, shown: list[Enterprise] | None
) -> list[tuple[Enterprise, list[tuple[int, str, str, bool, str | None]]]]:
    """(enterprise, [(number, platform, masked url, active, disabled reason)]) with channels."""
    if shown is None:
        ids = set(session.exec(select(Channel.enterprise_id)).all())
        shown = list(
            session.exec(
                select(Enterprise).where(col(Enterprise.id).in_(ids)).order_by(col(Enterprise.id))
            ).all()
        )
    rows = []
    for enterprise in shown:
        found = registry.channels_of(session, enterprise.id or 0)
        if found:
            rows.append(
                (
                    enterprise,
                    [
                        (n, c.platform, mask(c.webhook_url), c.active, c.disabled_reason)
                        for n, c in enumerate(found, 1)
                    ],
                )
            )
    return rows
