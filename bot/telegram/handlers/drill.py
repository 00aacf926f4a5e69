"""``/drill``: run an emergency / evacuation drill in the group; ``/practice`` alone in private.

``/drill fire production 30`` starts at once; ``/drill`` alone asks for the scenario and area
with buttons. While it runs, everyone taps the five steps (answered privately, in a callback
answer) and "I am at the assembly point"; the organizer marks people and ends it, then replies
to the report with a photo, which confirms the drill duties. ``end_stale_drills`` (re-exported
from ``bot.telegram.drill_live``) ends drills left running; the runtime tick calls it.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from telegram import Chat, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.errors import DomainError, GroupOnly, StaleButton
from bot.services import drills, enterprises
from bot.services.drill_scenarios import load_scenarios
from bot.telegram import drill_practice
from bot.telegram.drill_callbacks import (
    Arrive,
    Choose,
    DrillCallback,
    End,
    ListMissing,
    Mark,
    PracticePress,
    PracticeStart,
    PressStep,
    decode,
)
from bot.telegram.drill_live import (
    EDITOR_KEY,
    HeadcountEditor,
    close_drill,
    edit_quietly,
    end_stale_drills,
    post_drill,
    texts_for,
)
from bot.telegram.handlers.common import (
    Context,
    chat_locale,
    display_name,
    is_manager,
    reply,
    reply_error,
    rt,
)
from bot.telegram.sending import send_html

__all__ = ["end_stale_drills", "handlers", "message_handlers"]


class NotManager(DomainError):
    template = "drill/err_not_manager"


def _editor(context: Context) -> HeadcountEditor:
    editor = context.bot_data.setdefault(EDITOR_KEY, HeadcountEditor())
    assert isinstance(editor, HeadcountEditor)
    return editor


async def _refresh(context: Context, drill_id: int) -> None:
    runtime = rt(context)
    await _editor(context).changed(
        context.bot, runtime.ctx, runtime.renderer, drill_id, context.application.create_task
    )


async def _require_manager(update: Update, context: Context) -> bool:
    """The chat's enterprise must be active and the sender an admin or the safety officer."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    if chat.type == Chat.PRIVATE:
        raise GroupOnly()
    with rt(context).ctx.session() as session:
        enterprise = enterprises.require_active(session, chat.id)
    return await is_manager(context, chat.id, user.id, enterprise)


async def _start(
    update: Update, context: Context, scenario: str, area: str, count: int | None
) -> None:
    runtime, chat, user = rt(context), update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    ctx = runtime.ctx
    with ctx.session() as session:
        _, drill = drills.start(
            session,
            book=load_scenarios(ctx.settings.messages_dir),
            chat_id=chat.id,
            scenario=scenario,
            area=area,
            count=count,
            organizer_id=user.id,
            organizer_name=display_name(update),
            now=ctx.clock.now(),
        )
    assert drill.id is not None
    await post_drill(context.bot, ctx, runtime.renderer, drill.id, _editor(context))


async def drill_command(update: Update, context: Context) -> None:
    chat, user, ctx = update.effective_chat, update.effective_user, rt(context).ctx
    assert chat is not None and user is not None
    try:
        manager = await _require_manager(update, context)
        book = load_scenarios(ctx.settings.messages_dir)
        command = drills.parse_command(book, context.args or [])
        if command.action == "stats":
            await _stats(update, context)
            return
        if not manager:
            raise NotManager()
        if command.action == "end":
            await _end(update, context, None)
        elif (
            command.count and not (command.scenario or command.area) and _running(context, chat.id)
        ):
            with ctx.session() as session:
                drill = drills.set_expected(
                    session, chat_id=chat.id, count=command.count, user_id=user.id, is_manager=True
                )
            await reply(update, context, "drill/expected_set", count=command.count)
            await _refresh(context, drill.id or 0)
        elif command.scenario and command.area:
            await _start(update, context, command.scenario, command.area, command.count)
        else:
            await _choose(update, context, command)
    except drills.DrillUsage as error:
        texts = texts_for(ctx, rt(context).renderer, chat_locale(context, update))
        scenarios = [s.keyword.get(texts.locale) for s in texts.book.scenarios]
        areas = [w.keyword.get(texts.locale) for w in texts.book.areas.values()]
        await reply(
            update,
            context,
            error.template,
            given=error.context.get("given", ""),
            scenarios=scenarios,
            areas=areas,
        )
    except DomainError as error:
        await reply_error(update, context, error)


def _running(context: Context, chat_id: int) -> bool:
    with rt(context).ctx.session() as session:
        enterprise = enterprises.require_active(session, chat_id)
        return drills.running_drill(session, enterprise.id or 0) is not None


async def _choose(update: Update, context: Context, command: drills.DrillCommand) -> None:
    chat, ctx = update.effective_chat, rt(context).ctx
    assert chat is not None
    if _running(context, chat.id):
        raise drills.DrillRunning()
    texts = texts_for(ctx, rt(context).renderer, chat_locale(context, update))
    scenario = texts.book.get(command.scenario or "")
    if scenario is not None:
        text, markup = texts.choose_area(scenario, command.count)
    else:
        with ctx.session() as session:
            sector = enterprises.require_active(session, chat.id).sector
        text, markup = texts.choose_scenario(
            texts.book.for_sector(sector), command.area, command.count
        )
    assert update.effective_message is not None
    await update.effective_message.reply_html(text, reply_markup=markup)


async def _stats(update: Update, context: Context) -> None:
    chat, ctx = update.effective_chat, rt(context).ctx
    assert chat is not None
    now = ctx.clock.now()
    with ctx.session() as session:
        enterprise = enterprises.require_active(session, chat.id)
        today = now.astimezone(ZoneInfo(enterprise.timezone)).date()
        first_month = 7 if enterprise.high_risk and today.month > 6 else 1
        start = dt.datetime(today.year, first_month, 1, tzinfo=ZoneInfo(enterprise.timezone))
        stats = drills.drill_stats(
            session, enterprise.id or 0, start, now + dt.timedelta(seconds=1)
        )
    texts = texts_for(ctx, rt(context).renderer, enterprise.locale)
    areas = {texts.area(a): n for a, n in sorted(stats.by_area.items())}
    await reply(update, context, "drill/stats", stats=stats, since=start.date(), areas=areas)


async def _end(update: Update, context: Context, drill_id: int | None) -> None:
    runtime, chat, user = rt(context), update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    manager = await _require_manager(update, context)
    with runtime.ctx.session() as session:
        drill = drills.end(
            session,
            chat_id=chat.id,
            user_id=user.id,
            is_manager=manager,
            now=runtime.ctx.clock.now(),
            drill_id=drill_id,
        )
    assert drill.id is not None
    await close_drill(context.bot, runtime.ctx, runtime.renderer, drill.id, _editor(context))


async def drill_button(update: Update, context: Context) -> None:
    """Every ``dr:`` button: decode, act through the service, answer privately."""
    query = update.callback_query
    assert query is not None
    data = decode(query.data)
    try:
        if data is None or query.message is None:
            raise StaleButton()
        if isinstance(data, PracticeStart | PracticePress):
            await drill_practice.pressed(update, context, data)
        else:
            await _group_button(update, context, data)
    except DomainError as error:
        locale = chat_locale(context, update)
        text = rt(context).renderer.text(locale, f"{error.template}_short", **error.context)
        await query.answer(text, show_alert=True)


async def _group_button(update: Update, context: Context, data: DrillCallback) -> None:
    chat, query = update.effective_chat, update.callback_query
    assert chat is not None and query is not None
    if chat.type == Chat.PRIVATE:
        raise StaleButton()
    if isinstance(data, PressStep | Arrive):
        await _take_part(update, context, data)
        return
    manager = await _require_manager(update, context)
    if isinstance(data, Choose):
        if not manager:
            raise NotManager()
        await _chosen(update, context, data)
    elif isinstance(data, End):
        await _end(update, context, data.drill_id)
        await query.answer()
    elif isinstance(data, ListMissing | Mark):
        await _mark(update, context, data, manager)


async def _take_part(update: Update, context: Context, data: PressStep | Arrive) -> None:
    """A step or "I am at the assembly point": recorded, answered to the presser only."""
    runtime, chat, query = rt(context), update.effective_chat, update.callback_query
    assert chat is not None and query is not None
    ctx, user, now = runtime.ctx, query.from_user, runtime.ctx.clock.now()
    texts = texts_for(ctx, runtime.renderer, chat_locale(context, update))
    with ctx.session() as session:
        _, drill = drills.drill_in_chat(session, drill_id=data.drill_id, chat_id=chat.id)
        elapsed = now - drill.started_at
        if isinstance(data, PressStep):
            verdict = drills.press_step(
                session,
                drill_id=data.drill_id,
                chat_id=chat.id,
                user_id=user.id,
                user_name=user.full_name,
                step=data.step,
                now=now,
            )
            scenario = texts.book.get(drill.scenario)
            text, alert = texts.step_answer(scenario, data.step, verdict, elapsed)
        else:
            created = drills.arrive(
                session,
                drill_id=data.drill_id,
                chat_id=chat.id,
                user_id=user.id,
                user_name=user.full_name,
                now=now,
            )
            values = {"created": created, "elapsed": elapsed}
            text, alert = runtime.renderer.text(texts.locale, "drill/ans_arrived", **values), False
    await query.answer(text, show_alert=alert)
    await _refresh(context, data.drill_id)


async def _chosen(update: Update, context: Context, data: Choose) -> None:
    """A scenario (then an area) was picked on the chooser message."""
    runtime, query = rt(context), update.callback_query
    assert query is not None
    texts = texts_for(runtime.ctx, runtime.renderer, chat_locale(context, update))
    scenario = texts.book.get(data.scenario)
    if scenario is None:
        raise StaleButton()
    if data.area is None:
        await query.answer()
        text, markup = texts.choose_area(scenario, data.count)
        await query.edit_message_text(text, reply_markup=markup)
        return
    await _start(update, context, scenario.id, data.area, data.count)
    await query.answer()
    await query.edit_message_reply_markup(None)


async def _mark(update: Update, context: Context, data: ListMissing | Mark, manager: bool) -> None:
    """The organizer's marking list: post it, or mark one person and shorten it."""
    runtime, chat, query = rt(context), update.effective_chat, update.callback_query
    assert chat is not None and query is not None and query.message is not None
    ctx, user = runtime.ctx, query.from_user
    texts = texts_for(ctx, runtime.renderer, chat_locale(context, update))
    with ctx.session() as session:
        if isinstance(data, Mark):
            name, created = drills.mark(
                session,
                drill_id=data.drill_id,
                chat_id=chat.id,
                target_id=data.user_id,
                user_id=user.id,
                is_manager=manager,
                now=ctx.clock.now(),
            )
        missing = drills.missing_people(
            session, drill_id=data.drill_id, chat_id=chat.id, user_id=user.id, is_manager=manager
        )
    text, markup = texts.mark_message(data.drill_id, missing)
    if isinstance(data, ListMissing):
        await query.answer()
        await send_html(context.bot, chat.id, text, markup)
        return
    answer = runtime.renderer.text(texts.locale, "drill/ans_marked", name=name, created=created)
    await query.answer(answer)
    await edit_quietly(context.bot, chat.id, query.message.message_id, text, markup)
    await _refresh(context, data.drill_id)


async def photo_reply(update: Update, context: Context) -> None:
    """The organizer replies to the drill report with a photo: evidence, duties confirmed."""
    message, chat, user, runtime = (
        update.effective_message,
        update.effective_chat,
        update.effective_user,
        rt(context),
    )
    if (
        message is None
        or chat is None
        or user is None
        or not message.photo
        or message.reply_to_message is None
    ):
        return
    if (
        message.reply_to_message.from_user is None
        or message.reply_to_message.from_user.id != context.bot.id
    ):
        return
    with runtime.ctx.session() as session:
        enterprise = enterprises.get_by_chat(session, chat.id)
    manager = await is_manager(context, chat.id, user.id, enterprise)
    with runtime.ctx.session() as session:
        result = drills.attach_photo(
            session,
            chat_id=chat.id,
            reply_to=message.reply_to_message.message_id,
            user_id=user.id,
            is_manager=manager,
            file_id=message.photo[-1].file_id,
            now=runtime.ctx.clock.now(),
        )
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
    return [MessageHandler(filters.PHOTO & filters.REPLY & filters.ChatType.GROUPS, photo_reply)]
