"""The ✅ button under a reminder: record the confirmation and show it in the message."""

from __future__ import annotations

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.errors import DomainError
from bot.services import confirmations
from bot.store.models import Enterprise
from bot.telegram.callbacks import Confirm, decode
from bot.telegram.handlers.common import Context, chat_locale, display_name, rt
from bot.telegram.presenter import ItemView, reminder_message


async def confirm_pressed(update: Update, context: Context) -> None:
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    runtime = rt(context)
    ctx = runtime.ctx
    locale = chat_locale(context, update)
    data = decode(query.data)
    if not isinstance(data, Confirm) or query.message is None:
        await query.answer(
            runtime.renderer.text(locale, "errors/stale_button_short"), show_alert=True
        )
        return
    try:
        with ctx.session() as session:
            result = confirmations.confirm(
                session,
                occurrence_id=data.occurrence_id,
                chat_id=chat.id,
                user_id=query.from_user.id,
                user_name=display_name(update),
                now=ctx.clock.now(),
            )
            enterprise_id = result.occurrence.enterprise_id
            shown = confirmations.occurrences_of_message(
                session, enterprise_id=enterprise_id, message_id=query.message.message_id
            ) or [("due", result.occurrence)]
            views = [
                ItemView(kind, occ, confirmations.confirmers(session, occ.id or 0))
                for kind, occ in shown
            ]
            enterprise = session.get(Enterprise, enterprise_id)
    except DomainError as error:
        text = runtime.renderer.text(locale, f"{error.template}_short", **error.context)
        await query.answer(text, show_alert=True)
        return
    assert enterprise is not None
    answer = "reminders/confirmed_short" if result.created else "reminders/already_confirmed_short"
    await query.answer(
        runtime.renderer.text(locale, answer, count=result.count, quota=result.occurrence.quota)
    )
    if not result.created:
        return
    text, keyboard = reminder_message(
        runtime.renderer, ctx.catalog, enterprise, views, catch_up=False, now=ctx.clock.now()
    )
    try:
        await query.edit_message_text(text, reply_markup=keyboard)
    except BadRequest as exc:
        if "not modified" not in exc.message:
            raise


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [CallbackQueryHandler(confirm_pressed, pattern=r"^cf:")]
