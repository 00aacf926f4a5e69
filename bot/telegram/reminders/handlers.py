"""Buttons under a reminder: ✅ confirm, ⏰ snooze, ↩️ undo. Each press re-renders the message."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.domain.digest import stored_time
from bot.domain.reminder_kind import Family, family_of
from bot.domain.snooze import snooze_until
from bot.errors import DomainError, StaleButton
from bot.services.evidence import records as evidence
from bot.services.hazards.summary import summaries
from bot.services.people.digest import stand_downs
from bot.services.reminders import confirmations, outbox
from bot.services.reminders.views import item_views, message_views
from bot.store.models import Enterprise, OccurrenceRow
from bot.telegram.callbacks import (
    SNOOZE_CHOICES,
    Confirm,
    ShowSources,
    Snooze,
    SnoozeMenu,
    Undo,
    decode,
)
from bot.telegram.common import Context, answer_error, chat_locale, display_name, rt
from bot.telegram.hazard_followup.texts import has_hazards_section
from bot.telegram.quiz.flow import quiz_offer_markup
from bot.telegram.reminders.presenter import item_menu, reminder_message, stale_message
from bot.telegram.sending import edit_pressed, send_html
from bot.telegram.stats.people_line import has_people_line

UNDO_WINDOW = dt.timedelta(minutes=10)


async def refresh(
    update: Update,
    context: Context,
    enterprise: Enterprise,
    occ: OccurrenceRow,
    *,
    show_sources: bool = False,
) -> None:
    """Re-render the reminder message the button was pressed on (a tidied one stays tidied)."""
    query, runtime = update.callback_query, rt(context)
    assert query is not None and query.message is not None
    ctx, message = runtime.ctx, query.message
    now = ctx.clock.now()
    with ctx.session() as session:
        shown = message_views(session, ctx.catalog, enterprise, message.message_id, occ)
        views = shown.views
        # a digest keeps its header, and its hazards section and people line if it had them
        # (as they stand now); a snooze, or an item pressed in /due's list, shows alone
        digest = shown.posted and any(family_of(v.kind) is not Family.SNOOZE for v in views)
        hazards = (
            summaries(session, [enterprise.id or 0], now).get(enterprise.id or 0)
            if digest and not shown.tidied and has_hazards_section(message)
            else None
        )
        people = (
            stand_downs(session, ctx.people_rules, [enterprise.id or 0], now).get(
                enterprise.id or 0
            )
            if digest and not shown.tidied and has_people_line(message)
            else None
        )
    if shown.tidied:
        await edit_pressed(
            query, stale_message(runtime.renderer, ctx.catalog, enterprise, views, now)
        )
        return
    day = message.date.astimezone(ZoneInfo(enterprise.timezone)).date() if digest else None
    text, keyboard = reminder_message(
        runtime.renderer,
        ctx.catalog,
        enterprise,
        views,
        catch_up=False,
        now=now,
        digest_day=day,
        show_sources=show_sources,
        hazards=hazards,
        people=people,
    )
    await edit_pressed(query, text, keyboard)


async def confirm_pressed(update: Update, context: Context) -> None:
    query, chat, runtime = update.callback_query, update.effective_chat, rt(context)
    assert query is not None and chat is not None
    data, ctx = decode(query.data), runtime.ctx
    try:
        if not isinstance(data, Confirm):
            raise StaleButton()
        with ctx.session() as session:
            result = confirmations.confirm(
                session,
                occurrence_id=data.occurrence_id,
                chat_id=chat.id,
                user_id=query.from_user.id,
                user_name=display_name(update),
                now=ctx.clock.now(),
                catalog=ctx.catalog,
            )
            enterprise = result.enterprise
            # only a press that completed the duty may ask for evidence (``follow_up``)
            has_evidence = (
                result.created
                and result.done
                and bool(evidence.evidence_for(session, data.occurrence_id))
            )
    except DomainError as error:
        await answer_error(update, context, error)
        return
    assert enterprise is not None
    locale = enterprise.locale
    answer = "reminders/confirmed_short" if result.created else "reminders/already_confirmed_short"
    await query.answer(
        runtime.renderer.text(locale, answer, count=result.count, quota=result.occurrence.quota)
    )
    if result.created:
        await refresh(update, context, enterprise, result.occurrence)
        follow = confirmations.follow_up(ctx.catalog, enterprise, result, has_evidence=has_evidence)
        offer = (
            quiz_offer_markup(runtime.renderer, locale, enterprise.id or 0)
            if follow.offer_check
            else None
        )
        obligation = ctx.catalog.obligations.get(result.occurrence.obligation_id)
        if follow.ask_evidence and obligation is not None:
            await ask_for_evidence(
                update,
                context,
                result.occurrence,
                obligation.title.get(locale),
                "reminders/evidence_asked",
                offer,
                locale=locale,
            )
        elif offer is not None and query.message is not None:
            text = runtime.renderer.render(locale, "reminders/quiz_offer")
            await send_html(context.bot, chat.id, text, offer, reply_to=query.message.message_id)


async def ask_for_evidence(
    update: Update,
    context: Context,
    occ: OccurrenceRow,
    title: str,
    template: str,
    markup: InlineKeyboardMarkup | None = None,
    *,
    locale: str | None = None,
) -> None:
    """Post a prompt whose replies become evidence for ``occ`` (in ``locale``, the group's
    enterprise's, if the caller has it at hand)."""
    query, chat, runtime = update.callback_query, update.effective_chat, rt(context)
    assert query is not None and chat is not None and query.message is not None
    text = runtime.renderer.render(
        locale or chat_locale(context, update), template, title=title, quiz=markup is not None
    )
    prompt = await send_html(context.bot, chat.id, text, markup, reply_to=query.message.message_id)
    with runtime.ctx.session() as session:
        evidence.register_prompt(
            session,
            chat_id=chat.id,
            message_id=prompt.message_id,
            occurrence_id=occ.id or 0,
            now=runtime.ctx.clock.now(),
        )


async def snooze_pressed(update: Update, context: Context) -> None:
    query, chat, runtime = update.callback_query, update.effective_chat, rt(context)
    assert query is not None and chat is not None
    data, ctx = decode(query.data), runtime.ctx
    try:
        if not isinstance(data, SnoozeMenu | Snooze):
            raise StaleButton()
        with ctx.session() as session:
            enterprise, occ = confirmations.occurrence_for_chat(
                session, occurrence_id=data.occurrence_id, chat_id=chat.id
            )
            if isinstance(data, Snooze) and data.choice != "no":
                tz = ZoneInfo(enterprise.timezone)
                until = snooze_until(
                    ctx.clock.now(),
                    data.choice,
                    tz=tz,
                    calendar=ctx.calendar,
                    morning=stored_time(enterprise.digest_time),
                )
                outbox.add_snooze(
                    session,
                    occurrence_id=occ.id or 0,
                    enterprise_id=enterprise.id or 0,
                    fire_at=until,
                )
    except DomainError as error:
        await answer_error(update, context, error)
        return
    locale = enterprise.locale
    if isinstance(data, SnoozeMenu):
        with ctx.session() as session:
            (view,) = item_views(session, ctx.catalog, [("due", occ)])
        await query.answer()
        await edit_pressed(query, None, item_menu(runtime.renderer, locale, view, SNOOZE_CHOICES))
        return
    if data.choice == "no":
        await query.answer()
    else:
        await query.answer(
            runtime.renderer.text(
                locale, "reminders/snoozed_short", when=until, tz=enterprise.timezone
            )
        )
    await refresh(update, context, enterprise, occ)


async def undo_pressed(update: Update, context: Context) -> None:
    query, chat, runtime = update.callback_query, update.effective_chat, rt(context)
    assert query is not None and chat is not None
    data, ctx = decode(query.data), runtime.ctx
    try:
        if not isinstance(data, Undo):
            raise StaleButton()
        is_admin = await runtime.admins.is_admin(context.bot, chat.id, query.from_user.id)
        with ctx.session() as session:
            occ = confirmations.undo(
                session,
                occurrence_id=data.occurrence_id,
                chat_id=chat.id,
                user_id=query.from_user.id,
                is_admin=is_admin,
                now=ctx.clock.now(),
                window=UNDO_WINDOW,
                per_person=confirmations.is_per_person(session, ctx.catalog, data.occurrence_id),
            )
            enterprise = session.get(Enterprise, occ.enterprise_id)
    except DomainError as error:
        await answer_error(update, context, error)
        return
    assert enterprise is not None
    await query.answer(runtime.renderer.text(enterprise.locale, "reminders/undone_short"))
    await refresh(update, context, enterprise, occ)


async def sources_pressed(update: Update, context: Context) -> None:
    """📖: show or hide the 依据 of the message's items (the message is edited, none is sent)."""
    query, chat, runtime = update.callback_query, update.effective_chat, rt(context)
    assert query is not None and chat is not None
    data, ctx = decode(query.data), runtime.ctx
    try:
        if not isinstance(data, ShowSources):
            raise StaleButton()
        with ctx.session() as session:
            enterprise, occ = confirmations.occurrence_for_chat(
                session, occurrence_id=data.occurrence_id, chat_id=chat.id
            )
    except DomainError as error:
        await answer_error(update, context, error)
        return
    await query.answer()
    await refresh(update, context, enterprise, occ, show_sources=data.show)


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [
        CallbackQueryHandler(confirm_pressed, pattern=r"^cf:"),
        CallbackQueryHandler(snooze_pressed, pattern=r"^s[mz]:"),
        CallbackQueryHandler(undo_pressed, pattern=r"^ud:"),
        CallbackQueryHandler(sources_pressed, pattern=r"^sr:"),
    ]
