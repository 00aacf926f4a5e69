"""``/shifts``: the working pattern — office days, or continuous operation with shift starts.

It decides when daily duties exist (every calendar day at a continuous site) and when the
pre-shift meeting is due (before each shift). Admins change it; anyone may look.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.domain.workpattern import OFFICE_DAYS, WorkPattern, parse_shifts
from bot.errors import DomainError
from bot.services import enterprises
from bot.telegram.common import Context, reply, reply_error, rt
from bot.telegram.setup.handlers import check_admin

OFFICE_WORDS = frozenset({"office", "off", "0"})


async def shifts_command(update: Update, context: Context) -> None:
    chat, ctx, args = update.effective_chat, rt(context).ctx, list(context.args or [])
    assert chat is not None
    try:
        if args:
            await check_admin(update, context)
            pattern = OFFICE_DAYS if args[0].lower() in OFFICE_WORDS else parse_shifts(args)
            if pattern is None:
                await reply(update, context, "shifts/usage", given=" ".join(args))
                return
        with ctx.session() as session:
            enterprise = enterprises.require_active(session, chat.id)
            if args and pattern is not None:
                enterprises.set_pattern(
                    session, ctx.catalog, enterprise, pattern, now=ctx.clock.now()
                )
    except DomainError as error:
        await reply_error(update, context, error)
        return
    current = WorkPattern.load(enterprise.work_pattern, enterprise.shift_starts)
    await reply(update, context, "shifts/shifts", shifts=current.stored()[1], changed=bool(args))
    rt(context).wake()


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [CommandHandler("shifts", shifts_command)]
