"""``/due``: what is open now, with buttons; ``/obligations``: what applies, optional ones switchable."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.errors import DomainError, NotAdmin, StaleButton
from bot.services import enterprises
from bot.services.duties import open_duties as duties
from bot.services.reminders.views import item_views
from bot.store.models import Enterprise
from bot.telegram.common import Context, answer_error, reply, reply_error, rt
from bot.telegram.reminders.presenter import reminder_keyboard
from bot.telegram.sending import edit_pressed

TOGGLE = "ob:"


async def due_command(update: Update, context: Context) -> None:
    chat, runtime = update.effective_chat, rt(context)
    assert chat is not None
    ctx = runtime.ctx
    try:
        with ctx.session() as session:
            enterprise = enterprises.require_active(session, chat.id)
            items = duties.open_items(
                session, enterprise, now=ctx.clock.now(), exclude=ctx.catalog.campaign_ids()
            )
            views = item_views(session, ctx.catalog, [("due", it.occurrence) for it in items])
    except DomainError as error:
        await reply_error(update, context, error)
        return
    lines = [
        {
            "title": _title(context, enterprise, it.occurrence.obligation_id),
            "area": it.occurrence.area,
            "due": it.occurrence.due_at,
            "quota": it.occurrence.quota,
            "count": it.count,
            "overdue": it.overdue,
            "missed": it.missed,
        }
        for it in items
    ]
    markup = (
        reminder_keyboard(runtime.renderer, ctx.catalog, enterprise, views)
        if len(views) > 0
        else None
    )
    await reply(update, context, "duties/due", items=lines, tz=enterprise.timezone, markup=markup)


def _title(context: Context, enterprise: Enterprise, obligation_id: str) -> str:
    obligation = rt(context).ctx.catalog.obligations.get(obligation_id)
    return obligation.title.get(enterprise.locale) if obligation else obligation_id


def _obligations_view(
    context: Context, enterprise: Enterprise
) -> tuple[dict[str, object], InlineKeyboardMarkup | None]:
    ctx = rt(context).ctx
    with ctx.session() as session:
        lines = duties.obligation_lines(
            session, ctx.catalog, enterprise, calendar=ctx.calendar, now=ctx.clock.now()
        )
    rows = [
        {
            "title": _title(context, enterprise, ln.obligation_id),
            "period": ln.period,
            "optional": ln.optional,
            "disabled": ln.disabled,
            "next_due": ln.next_due,
        }
        for ln in lines
    ]
    buttons = [
        [
            InlineKeyboardButton(
                rt(context).renderer.text(
                    enterprise.locale, "buttons/toggle", title=r["title"], disabled=r["disabled"]
                ),
                callback_data=f"{TOGGLE}{ln.obligation_id}",
            )
        ]
        for ln, r in zip(lines, rows, strict=True)
        if ln.optional
    ]
    values = {
        "enterprise": enterprise,
        "obligations": rows,
        "tz": enterprise.timezone,
        "any_optional": bool(buttons),
    }
    return values, InlineKeyboardMarkup(buttons) if buttons else None


async def obligations_command(update: Update, context: Context) -> None:
    chat = update.effective_chat
    assert chat is not None
    try:
        with rt(context).ctx.session() as session:
            enterprise = enterprises.require_active(session, chat.id)
    except DomainError as error:
        await reply_error(update, context, error)
        return
    values, markup = _obligations_view(context, enterprise)
    await reply(update, context, "duties/obligations", markup=markup, **values)


async def toggle_pressed(update: Update, context: Context) -> None:
    query, chat, runtime = update.callback_query, update.effective_chat, rt(context)
    assert query is not None and chat is not None and query.data is not None
    ctx = runtime.ctx
    try:
        if not await runtime.admins.is_admin(context.bot, chat.id, query.from_user.id):
            raise NotAdmin()
        with ctx.session() as session:
            enterprise = enterprises.get_by_chat(session, chat.id)
            if enterprise is None or not enterprise.active:
                raise StaleButton()
            duties.toggle(
                session,
                ctx.catalog,
                enterprise,
                obligation_id=query.data[len(TOGGLE) :],
                user_id=query.from_user.id,
                now=ctx.clock.now(),
            )
    except DomainError as error:
        await answer_error(update, context, error)
        return
    await query.answer()
    values, markup = _obligations_view(context, enterprise)
    await edit_pressed(
        query, runtime.renderer.render(enterprise.locale, "duties/obligations", **values), markup
    )
    runtime.wake()


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [
        CommandHandler("due", due_command),
        CommandHandler("obligations", obligations_command),
        CallbackQueryHandler(toggle_pressed, pattern=rf"^{TOGGLE}[a-z0-9-]{{2,41}}$"),
    ]
