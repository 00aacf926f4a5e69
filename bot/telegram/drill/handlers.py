"""``/drill``: run an emergency / evacuation drill in the group; ``/practice`` alone in private.

``/drill 火灾 生产 30`` starts at once; ``/drill`` alone asks for the scenario and area with
buttons. While it runs, everyone taps the five steps (answered privately) and "I am at the
assembly point"; the organizer marks people and ends it (``/drill end`` or ⏹), then replies
to the report with a photo, which confirms the drill duties. ``end_stale_drills`` ends drills
left running past the timeout; the runtime tick calls it.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.errors import DomainError, DrillRunning, DrillUsage, StaleButton
from bot.errors import DrillNotManager as NotManager
from bot.services import enterprises
from bot.services.drill import drills
from bot.services.drill import evidence as drill_evidence
from bot.services.drill.queries import current_period_stats
from bot.services.drill.scenarios import DrillCommand, parse_command
from bot.telegram.common import (
    Context,
    answer_error,
    chat_locale,
    is_manager,
    reply,
    reply_error,
    rt,
)
from bot.telegram.drill import buttons as drill_buttons
from bot.telegram.drill import practice as drill_practice
from bot.telegram.drill.actions import end_drill, refresh, require_manager, start_drill
from bot.telegram.drill.callbacks import PracticePress, PracticeStart, decode
from bot.telegram.drill.live import end_stale_drills, texts_for
from bot.telegram.sending import reply_html

__all__ = ["end_stale_drills", "handlers", "message_handlers"]


async def drill_command(update: Update, context: Context) -> None:
    """``/drill [scenario] [area] [count]``, ``/drill <count>`` while one runs, end, stats."""
    runtime, chat = rt(context), update.effective_chat
    assert chat is not None
    try:
        manager = await require_manager(update, context)
        texts = texts_for(runtime.ctx, runtime.renderer, chat_locale(context, update))
        command = parse_command(texts.book, context.args or [])
        if command.action != "stats" and not manager:
            raise NotManager()
        if command.action == "stats":
            await _stats(update, context)
        elif command.action == "end":
            await end_drill(update, context, None)
        elif (
            command.count and not (command.scenario or command.area) and _running(context, chat.id)
        ):
            await _set_expected(update, context, command.count)
        elif command.scenario and command.area:
            await start_drill(update, context, command.scenario, command.area, command.count)
        else:
            await _choose(update, context, command)
    except DrillUsage as error:
        texts = texts_for(runtime.ctx, runtime.renderer, chat_locale(context, update))
        scenarios = [s.keyword.get(texts.locale) for s in texts.book.scenarios]
        areas = [w.keyword.get(texts.locale) for w in texts.book.areas.values()]
        await reply(
            update, context, error.template, scenarios=scenarios, areas=areas, **error.context
        )
    except DomainError as error:
        await reply_error(update, context, error)


def _running(context: Context, chat_id: int) -> bool:
    with rt(context).ctx.session() as session:
        enterprise = enterprises.require_active(session, chat_id)
        return drills.running_drill(session, enterprise.id or 0) is not None


async def _set_expected(update: Update, context: Context, count: int) -> None:
    chat, user, ctx = update.effective_chat, update.effective_user, rt(context).ctx
    assert chat is not None and user is not None
    with ctx.session() as session:
        drill = drills.set_expected(
            session, chat_id=chat.id, count=count, user_id=user.id, is_manager=True
        )
    await reply(update, context, "drill/expected_set", count=count)
    await refresh(context, drill.id or 0)


async def _choose(update: Update, context: Context, command: DrillCommand) -> None:
    """Buttons for what ``/drill`` left open: the scenario (suited to the sector), the area."""
    chat, message, ctx = update.effective_chat, update.effective_message, rt(context).ctx
    assert chat is not None and message is not None
    if _running(context, chat.id):
        raise DrillRunning()
    texts = texts_for(ctx, rt(context).renderer, chat_locale(context, update))
    scenario = texts.book.get(command.scenario or "")
    if scenario is not None:
        text, markup = texts.choose_area(scenario, command.count)
    else:
        with ctx.session() as session:
            sector = enterprises.require_active(session, chat.id).sector
        suited = texts.book.for_sector(sector)
        text, markup = texts.choose_scenario(suited, command.area, command.count)
    await reply_html(message, text, markup)


async def _stats(update: Update, context: Context) -> None:
    chat, ctx = update.effective_chat, rt(context).ctx
    assert chat is not None
    with ctx.session() as session:
        enterprise = enterprises.require_active(session, chat.id)
        since, stats = current_period_stats(session, enterprise, ctx.clock.now())
    texts = texts_for(ctx, rt(context).renderer, enterprise.locale)
    areas = {texts.area(a): n for a, n in sorted(stats.by_area.items())}
    await reply(update, context, "drill/stats", stats=stats, since=since, areas=areas)


async def drill_button(update: Update, context: Context) -> None:
    """Every ``dr:`` button: decode, act through the service, answer the presser only."""
    query = update.callback_query
    assert query is not None
    data = decode(query.data)
    try:
        if data is None or query.message is None:
            raise StaleButton()
        if isinstance(data, PracticeStart | PracticePress):
            await drill_practice.pressed(update, context, data)
        else:
            await drill_buttons.pressed(update, context, data)
    except DomainError as error:
        await answer_error(update, context, error)


async def photo_reply(update: Update, context: Context) -> None:
    """A photo replying to the drill report: evidence, and the drill duties confirmed."""
    message, chat, user, runtime = (
        update.effective_message,
        update.effective_chat,
        update.effective_user,
        rt(context),
    )
    if message is None or chat is None or user is None or not message.photo:
        return
    target = message.reply_to_message
    if target is None or target.from_user is None or target.from_user.id != context.bot.id:
        return
    with runtime.ctx.session() as session:
        enterprise = enterprises.get_by_chat(session, chat.id)
    manager = await is_manager(context, chat.id, user.id, enterprise)
    with runtime.ctx.session() as session:
        result = drill_evidence.attach_photo(
            session, chat_id=chat.id, reply_to=target.message_id, user_id=user.id, is_manager=manager,
            file_id=message.photo[-1].file_id, now=runtime.ctx.clock.now(),
        )  # fmt: skip
    if result is None:
        return
    texts = texts_for(runtime.ctx, runtime.renderer, chat_locale(context, update))
    titles = [texts.target_title(o.obligation_id, o.area) for o in result.confirmed]
    await reply(update, context, "drill/photo_saved", first=result.first, titles=titles)


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [
        CommandHandler("drill", drill_command),
        CommandHandler("practice", drill_practice.practice_command),
        CallbackQueryHandler(drill_button, pattern=r"^dr:"),
    ]


def message_handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """Own handler group (see app.py): photo replies must not hide other features' replies."""
    return [MessageHandler(filters.PHOTO & filters.REPLY & filters.ChatType.GROUPS, photo_reply)]
