"""Office staff: ``/office code|link``, ``/stats`` in office chats, ``/report``, evidence links.

``/office unlink`` and ``/office revoke`` live in ``office_links``; ``/office`` dispatches to them.

PTB runs only the first matching handler of a group, and the enterprise ``/stats`` handler
is registered after this module; the office ``/stats`` therefore carries a filter that matches
office chats only (``OfficeChats``), and every other chat falls through to the enterprise's.
The filter looks the chat up in the runtime's database.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from telegram import Chat, InputFile, Message, Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import BaseHandler, CommandHandler, filters

from bot.errors import ChatGone, DomainError, GroupOnly, OfficeAdminOnly
from bot.reports import build
from bot.reports.labels import load_labels
from bot.reports.people_sheets import Numbers
from bot.reports.period import local_today, parse_period
from bot.reports.queries import stats_report
from bot.services import enterprises
from bot.services.hazards import queries as hazard_queries
from bot.services.hazards import upward
from bot.services.office import linking as offices
from bot.services.people.overview import for_enterprise_ids as people_overviews
from bot.telegram.common import Context, chat_locale, display_name, is_manager, reply, rt
from bot.telegram.office import links as office_links
from bot.telegram.runtime import Runtime
from bot.telegram.sending import send_file, send_html

OVERDUE_SHOWN = 20
EVIDENCE_PAYLOAD = "of"


class OfficeChats(filters.MessageFilter):
    """Matches messages in chats registered as offices (a cheap lookup on a unique index)."""

    def __init__(self, runtime: Runtime) -> None:
        super().__init__(name="OfficeChats")
        self.runtime = runtime

    def filter(self, message: Message) -> bool:
        with self.runtime.ctx.session() as session:
            return offices.office_for_chat(session, message.chat_id) is not None


def _chat(update: Update) -> Chat:
    assert update.effective_chat is not None
    return update.effective_chat


async def _say(update: Update, context: Context, locale: str, template: str, **values: Any) -> None:
    text = rt(context).renderer.render(locale, template, **values)
    await send_html(context.bot, _chat(update).id, text)


async def office_command(update: Update, context: Context) -> None:
    args = context.args or []
    action = args[0].lower() if args else ""
    try:
        if action == "code":
            await _issue_code(update, context)
        elif action == "link" and len(args) > 1:
            await _link(update, context, "".join(args[1:]))
        elif action == "unlink":
            await office_links.unlink_command(update, context, args[1:])
        elif action == "revoke":
            await office_links.revoke_command(update, context)
        else:
            await _status(update, context)
    except DomainError as error:
        await reply(update, context, error.template, **error.context)


async def _issue_code(update: Update, context: Context) -> None:
    chat, user, ctx = _chat(update), update.effective_user, rt(context).ctx
    assert user is not None
    if chat.type == Chat.PRIVATE:
        raise GroupOnly()
    with ctx.session() as session:
        enterprise = enterprises.require_active(session, chat.id)
        if not await is_manager(context, chat.id, user.id, enterprise):
            raise OfficeAdminOnly()
        code = offices.issue_code(
            session, enterprise=enterprise, user_id=user.id, now=ctx.clock.now()
        )
    text = rt(context).renderer.render(
        chat_locale(context, update), "office/code", enterprise=enterprise,
        code=offices.display_code(code.code), expires=code.expires_at, tz=enterprise.timezone,
    )  # fmt: skip
    try:
        await send_html(context.bot, user.id, text)
    except (ChatGone, BadRequest):
        await reply(update, context, "office/code_needs_start", bot_username=context.bot.username)
        return
    await reply(update, context, "office/code_sent", name=display_name(update))


async def _link(update: Update, context: Context, code: str) -> None:
    chat, user, ctx = _chat(update), update.effective_user, rt(context).ctx
    assert user is not None
    if chat.type != Chat.PRIVATE and not await rt(context).admins.is_admin(
        context.bot, chat.id, user.id
    ):
        raise OfficeAdminOnly()
    with ctx.session() as session:
        office, enterprise, created = offices.redeem(
            session, code=code, chat_id=chat.id, title=chat.title or user.full_name,
            user_id=user.id, locale=chat_locale(context, update),
            timezone=ctx.settings.bot_timezone, now=ctx.clock.now(),
        )  # fmt: skip
        assert office.id is not None
        count = len(offices.enterprise_ids(session, office.id))
    await _say(update, context, office.locale, "office/linked", enterprise=enterprise,
               created=created, count=count)  # fmt: skip


async def _status(update: Update, context: Context) -> None:
    chat, ctx = _chat(update), rt(context).ctx
    with ctx.session() as session:
        office = offices.office_for_chat(session, chat.id)
        enterprise = enterprises.get_by_chat(session, chat.id)
        linked = offices.linked_enterprises(session, office.id) if office and office.id else []
        watchers = (
            offices.offices_of(session, enterprise.id) if enterprise and enterprise.id else []
        )
    locale = office.locale if office else chat_locale(context, update)
    await _say(update, context, locale, "office/status", office=office, linked=linked,
               enterprise=enterprise, watchers=watchers)  # fmt: skip


async def office_stats(update: Update, context: Context) -> None:
    chat, ctx = _chat(update), rt(context).ctx
    with ctx.session() as session:
        office = offices.require_office(session, chat.id)
        assert office.id is not None
        try:
            period = parse_period(
                " ".join(context.args or []), today=local_today(ctx.clock.now(), office.timezone)
            )
        except DomainError as error:
            await _say(update, context, office.locale, error.template, **error.context)
            return
        ids = offices.enterprise_ids(session, office.id)
        report = stats_report(
            session, ids, period, tz=office.timezone, now=ctx.clock.now(),
            sources=rt(context).report_sources, overdue_limit=OVERDUE_SHOWN,
        )  # fmt: skip
        hazards = hazard_queries.overview(session, ids, now=ctx.clock.now())
        supervised = upward.supervised(session, ids, now=ctx.clock.now())
        people = people_overviews(session, ctx.people_rules, ids, now=ctx.clock.now(),
                                  locale=office.locale)  # fmt: skip
    labels = load_labels(rt(context).renderer, ctx.catalog, office.locale, period)
    await _say(update, context, office.locale, "office/stats", office=office, report=report,
               labels=labels, hazards=hazards, supervised=supervised, people=people)  # fmt: skip


async def report_command(update: Update, context: Context) -> None:
    chat, runtime = _chat(update), rt(context)
    ctx = runtime.ctx
    try:
        with ctx.session() as session:
            office, ids = offices.visible_enterprise_ids(session, chat.id)
            locale = office.locale if office else chat_locale(context, update)
            tz = office.timezone if office else ctx.settings.bot_timezone
            issuer = office.title if office else None  # None: the enterprise's own name
            period = parse_period(
                " ".join(context.args or []), today=local_today(ctx.clock.now(), tz)
            )
    except DomainError as error:
        await reply(update, context, error.template, **error.context)
        return
    labels = load_labels(runtime.renderer, ctx.catalog, locale, period, ctx.hazard_standards)
    files = await asyncio.to_thread(
        build.make_report, ctx.session, ids, period, labels, tz=tz, now=ctx.clock.now(),
        sources=rt(context).report_sources, evidence_link=_evidence_link(context), issuer=issuer,
        numbers=Numbers.SHARED if office else Numbers.NONE,  # a group's file: every member's
    )  # fmt: skip
    caption = runtime.renderer.render(locale, "reports/caption", report=files.data.stats)
    workbook = InputFile(files.workbook, filename=files.workbook_name)
    await send_file(context.bot, chat.id, "document", workbook, caption=caption)
    chart = InputFile(files.chart, filename=files.chart_name)
    await send_file(context.bot, chat.id, "photo", chart)


def _evidence_link(context: Context) -> Callable[[int], str] | None:
    username = context.bot.username
    if not username:
        return None
    return lambda occurrence_id: f"https://t.me/{username}?start={EVIDENCE_PAYLOAD}{occurrence_id}"


async def evidence_link_opened(update: Update, context: Context) -> None:
    """``/start of<id>`` from a workbook link: send the evidence if the person's office sees it."""
    user, ctx = update.effective_user, rt(context).ctx
    assert user is not None and context.args
    occurrence_id = int(context.args[0].removeprefix(EVIDENCE_PAYLOAD))
    with ctx.session() as session:
        chats = offices.office_chats_for_occurrence(session, occurrence_id)
    if not await _sees(context, chats, user.id):
        await reply(update, context, "office/not_linked")
        return
    with ctx.session() as session:
        view = offices.evidence_view(session, occurrence_id)
    await _send_evidence(update, context, view)


async def _sees(context: Context, chats: list[int], user_id: int) -> bool:
    """A private office is the person; an office group counts its current members."""
    if user_id in chats:
        return True
    for chat_id in chats:
        try:
            member = await context.bot.get_chat_member(chat_id, user_id)
        except (Forbidden, BadRequest):
            continue
        if member.status in ("creator", "administrator", "member") or (
            member.status == "restricted" and getattr(member, "is_member", False)
        ):
            return True
    return False


async def _send_evidence(update: Update, context: Context, view: offices.EvidenceView) -> None:
    """The list (notes inline), then each photo and file by its Telegram file id."""
    locale, chat_id = chat_locale(context, update), _chat(update).id
    obligation = rt(context).ctx.catalog.obligations.get(view.occurrence.obligation_id)
    title = obligation.title.get(locale) if obligation else view.occurrence.obligation_id
    await _say(update, context, locale, "office/evidence", view=view, title=title)
    for item in view.items:
        if item.kind in ("photo", "document") and item.file_id:
            await send_file(context.bot, chat_id, item.kind, item.file_id)


def handlers(runtime: Runtime) -> list[BaseHandler]:  # type: ignore[type-arg]
    evidence = filters.ChatType.PRIVATE & filters.Regex(
        rf"^/start(@\w+)?\s+{EVIDENCE_PAYLOAD}[0-9]{{1,18}}\s*$"  # an id that fits BIGINT
    )
    return [
        CommandHandler("office", office_command),
        CommandHandler("stats", office_stats, filters=OfficeChats(runtime)),
        CommandHandler("report", report_command),
        CommandHandler("start", evidence_link_opened, filters=evidence),
    ]
