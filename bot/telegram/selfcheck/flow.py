"""Starting and resuming a self-check in the private chat: whose enterprise, which standard.

A private chat names no enterprise, so the person's enterprises are looked up: those where
they are the safety officer, registered the group, or joined the roster; of these, the ones
they manage now (the safety officer, or an administrator of the group, asked of Telegram as
every other admin check is). One enterprise is opened at once; several are offered as buttons.
An unfinished self-check of that enterprise is resumed at its first unanswered item; else the
sector's standards in force today are offered, one button each, since they are alternatives
(a mine answers the coal-mine or the metal and non-metal mine criteria, not both).
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup, Update

from bot.errors import NotManager, StaleButton
from bot.services.hazards import selfcheck as service
from bot.services.hazards.queries import local_today
from bot.store.hazard_models import SelfCheck
from bot.store.models import Enterprise
from bot.telegram.common import Context, chat_locale, display_name, is_manager, rt
from bot.telegram.selfcheck import views
from bot.telegram.sending import send_html


def _chat_id(update: Update) -> int:
    assert update.effective_chat is not None
    return update.effective_chat.id


async def say(
    update: Update,
    context: Context,
    template: str,
    /,
    markup: InlineKeyboardMarkup | None = None,
    **values: Any,
) -> None:
    text = rt(context).renderer.render(chat_locale(context, update), template, **values)
    await send_html(context.bot, _chat_id(update), text, markup)


async def managed_enterprises(context: Context, user_id: int) -> list[Enterprise]:
    """The active enterprises the person manages now (safety officer or group admin)."""
    with rt(context).ctx.session() as session:
        candidates = service.candidate_enterprises(session, user_id)
    return [e for e in candidates if await is_manager(context, e.chat_id, user_id, e)]


async def managed(context: Context, enterprise_id: int, user_id: int) -> Enterprise:
    """Enterprise ``enterprise_id`` if the person manages it now (checked on every press)."""
    with rt(context).ctx.session() as session:
        enterprise = session.get(Enterprise, enterprise_id)
    if enterprise is None or not enterprise.active:
        raise StaleButton()
    if not await is_manager(context, enterprise.chat_id, user_id, enterprise):
        raise NotManager()
    return enterprise


async def begin(update: Update, context: Context) -> None:
    """``/selfcheck`` in private: open the one enterprise the person manages, or ask which."""
    user = update.effective_user
    assert user is not None
    enterprises = await managed_enterprises(context, user.id)
    if not enterprises:
        await say(update, context, "selfcheck/not_manager")
    elif len(enterprises) == 1:
        await open_for(update, context, enterprises[0])
    else:
        markup = views.enterprise_keyboard(enterprises)
        await say(update, context, "selfcheck/choose_enterprise", markup)


async def open_for(update: Update, context: Context, enterprise: Enterprise) -> None:
    """Resume the person's unfinished self-check, or start one (asking for the standard)."""
    user, ctx = update.effective_user, rt(context).ctx
    assert user is not None and enterprise.id is not None
    with ctx.session() as session:
        check = service.unfinished(session, enterprise.id, user.id)
    if check is not None:
        await resume(update, context, enterprise, check)
        return
    today = local_today(enterprise, ctx.clock.now())
    standards = service.standards_for(ctx.hazard_standards, enterprise.sector, today)
    if not standards:
        sector = ctx.catalog.sectors.get(enterprise.sector)
        name = sector.name.get(chat_locale(context, update)) if sector else enterprise.sector
        await say(update, context, "selfcheck/no_standard", enterprise=enterprise.name, sector=name)
    elif len(standards) == 1:
        await start(update, context, enterprise, 0)
    else:
        locale = chat_locale(context, update)
        markup = views.standard_keyboard(rt(context).renderer, locale, enterprise, standards)
        await say(update, context, "selfcheck/choose_standard", markup, enterprise=enterprise.name)


async def start(update: Update, context: Context, enterprise: Enterprise, index: int) -> None:
    """Start a self-check of the sector's ``index``-th standard (an unfinished one goes first)."""
    user, ctx = update.effective_user, rt(context).ctx
    assert user is not None
    today = local_today(enterprise, ctx.clock.now())
    standards = service.standards_for(ctx.hazard_standards, enterprise.sector, today)
    if not 0 <= index < len(standards):
        raise StaleButton()
    with ctx.session() as session:
        check = service.start(
            session, enterprise, user.id, display_name(update), standards[index], ctx.clock.now()
        )
    await resume(update, context, enterprise, check)


async def resume(
    update: Update, context: Context, enterprise: Enterprise, check: SelfCheck
) -> None:
    """Say which standard is being checked and how far it got, then ask the next item."""
    ctx = rt(context).ctx
    with ctx.session() as session:
        question = service.current(session, ctx.hazard_standards, check, enterprise.sector)
        summary = service.summary(session, ctx.hazard_standards, check, enterprise.sector)
    if question is None or summary is None:  # all answered (the summary was not sent)
        await finish(update, context, enterprise, check)
        return
    locale = chat_locale(context, update)
    await say(
        update, context, "selfcheck/intro", enterprise=enterprise.name, answered=summary.answered,
        standard=views.standard_values(summary.standard, locale, summary.total),
    )  # fmt: skip
    await ask(update, context, question)


async def ask(update: Update, context: Context, question: service.Question) -> None:
    renderer, locale = rt(context).renderer, chat_locale(context, update)
    text = views.question_text(renderer, locale, question)
    markup = views.question_keyboard(renderer, locale, question)
    await send_html(context.bot, _chat_id(update), text, markup)


async def finish(
    update: Update, context: Context, enterprise: Enterprise, check: SelfCheck
) -> None:
    """Close the self-check and send its summary."""
    ctx = rt(context).ctx
    with ctx.session() as session:
        summary = service.summary(session, ctx.hazard_standards, check, enterprise.sector)
        stored = session.get(SelfCheck, check.id)
        assert stored is not None
        service.finish(session, stored, ctx.clock.now())
    if summary is None:  # the standard was withdrawn meanwhile: nothing to sum up
        await say(update, context, "selfcheck/withdrawn")
        return
    text = views.summary_text(
        rt(context).renderer, chat_locale(context, update), enterprise, summary
    )
    await send_html(context.bot, _chat_id(update), text)
