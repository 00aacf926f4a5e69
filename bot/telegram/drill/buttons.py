"""The drill's group buttons: the five steps, "I am at the assembly point", the organizer's
marking list and End, and the scenario / area chooser of a guided ``/drill``.

Steps and arrivals are answered privately (callback answers), never as group messages; a
wrong order gets an alert saying why the skipped step comes first.
"""

from __future__ import annotations

from telegram import Chat, Update

from bot.errors import DrillNotManager as NotManager
from bot.errors import StaleButton
from bot.services.drill import drills
from bot.telegram.common import Context, chat_locale, rt
from bot.telegram.drill.actions import end_drill, refresh, require_manager, start_drill
from bot.telegram.drill.callbacks import (
    Arrive,
    Choose,
    DrillCallback,
    End,
    ListMissing,
    Mark,
    PressStep,
)
from bot.telegram.drill.live import edit_quietly, texts_for
from bot.telegram.sending import edit_pressed, send_html


async def pressed(update: Update, context: Context, data: DrillCallback) -> None:
    """A drill button in a group; what it names is re-checked against this chat by the service."""
    chat, query = update.effective_chat, update.callback_query
    assert chat is not None and query is not None
    if chat.type == Chat.PRIVATE:
        raise StaleButton()
    if isinstance(data, PressStep | Arrive):
        await _take_part(update, context, data)
        return
    manager = await require_manager(update, context)
    if isinstance(data, Choose):
        if not manager:
            raise NotManager()
        await _chosen(update, context, data)
    elif isinstance(data, End):
        await end_drill(update, context, data.drill_id)
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
    await refresh(context, data.drill_id)


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
        await edit_pressed(query, text, markup)
        return
    await start_drill(update, context, scenario.id, data.area, data.count)
    await query.answer()
    await edit_pressed(query, None)


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
    await refresh(context, data.drill_id)
