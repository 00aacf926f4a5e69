"""``/event``: an admin or the safety officer logs what happened; its duties start at once.

``/event`` alone shows a button per kind; ``/event hire 张三``, ``/event 三违 李四``,
``/event hazard 2027-05-31 储罐区未设置可燃气体报警`` log in one line (a major hazard needs
the deadline its notice or plan sets).
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.errors import DomainError
from bot.services.events import event_duties as events
from bot.store.models import Enterprise
from bot.telegram.common import (
    Context,
    answer_error,
    chat_locale,
    managed_enterprise,
    reply,
    reply_error,
    rt,
)

PREFIX = "evt:"


def _split(args: list[str]) -> tuple[str, str | None, str | None]:
    """(kind, deadline, subject) from ``/event`` arguments: the date, if any, comes second."""
    kind, rest = args[0], args[1:]
    deadline = rest[0] if rest and rest[0][:1].isdigit() else None
    subject = " ".join(rest[1:] if deadline else rest) or None
    return kind, deadline, subject


async def _log(
    update: Update,
    context: Context,
    enterprise: Enterprise,
    kind: str,
    deadline: str | None,
    subject: str | None,
) -> None:
    ctx, user = rt(context).ctx, update.effective_user
    assert user is not None
    with ctx.session() as session:
        logged = events.log_event(
            session,
            ctx.catalog,
            ctx.calendar,
            enterprise,
            kind_text=kind,
            subject=subject,
            deadline_text=deadline,
            user_id=user.id,
            now=ctx.clock.now(),
        )
    locale = enterprise.locale
    await reply(
        update,
        context,
        "events/logged",
        event=logged.event,
        kind=logged.kind.name.get(locale),
        started=[(s.obligation.title.get(locale), s.occurrence.due) for s in logged.started],
        tz=enterprise.timezone,
    )
    rt(context).wake()


async def event_command(update: Update, context: Context) -> None:
    try:
        enterprise = await managed_enterprise(update, context)
        if context.args:
            await _log(update, context, enterprise, *_split(list(context.args)))
            return
    except DomainError as error:
        await reply_error(update, context, error)
        return
    locale = chat_locale(context, update)
    kinds = list(rt(context).ctx.catalog.event_kinds.values())
    buttons = [
        InlineKeyboardButton(k.name.get(locale), callback_data=f"{PREFIX}{k.id}")
        for k in kinds
        if not k.needs_deadline
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    await reply(update, context, "events/menu", kinds=kinds, markup=InlineKeyboardMarkup(rows))


async def kind_chosen(update: Update, context: Context) -> None:
    """A kind button: log that event now (no name); a hazard needs its deadline typed."""
    query = update.callback_query
    assert query is not None and query.data is not None
    try:
        enterprise = await managed_enterprise(update, context)
        await query.answer()
        await _log(update, context, enterprise, query.data.removeprefix(PREFIX), None, None)
    except DomainError as error:
        await answer_error(update, context, error)


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [
        CommandHandler("event", event_command),
        CallbackQueryHandler(kind_chosen, pattern=rf"^{PREFIX}[a-z_]{{2,20}}$"),
    ]
