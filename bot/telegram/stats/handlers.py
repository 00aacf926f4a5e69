"""``/stats`` in an enterprise group: what is due, done and overdue, 知晓率, drills done, the
hazard figures (open / overdue / closed, closure rate, the open major ones) and the people
figures (certificates due and lapsed, who stands down, training shortfall; never numbers)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.errors import DomainError
from bot.services import enterprises
from bot.services.stats import enterprise_stats as stats
from bot.telegram.common import Context, reply, reply_error, rt


async def stats_command(update: Update, context: Context) -> None:
    chat = update.effective_chat
    assert chat is not None
    ctx = rt(context).ctx
    try:
        with ctx.session() as session:
            enterprise = enterprises.require_active(session, chat.id)
            result = stats.enterprise_stats(
                session,
                enterprise,
                now=ctx.clock.now(),
                exclude=ctx.catalog.campaign_ids(),
                sources=rt(context).report_sources,
                hazards=True,
                people=ctx.people_rules,
            )
    except DomainError as error:
        await reply_error(update, context, error)
        return
    titles = {o.id: o.title.get(enterprise.locale) for o in ctx.catalog.obligations.values()}
    await reply(
        update,
        context,
        "stats/enterprise",
        enterprise=enterprise,
        stats=result,
        titles=titles,
        tz=enterprise.timezone,
    )


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [CommandHandler("stats", stats_command)]
