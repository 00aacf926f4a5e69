"""What the ``/drill`` command and the drill buttons share: checking who may manage the drill,
starting and ending it, and asking for a (coalesced) headcount refresh.

The headcount editor lives in ``bot_data`` so that every update of this process shares it.
"""

from __future__ import annotations

from telegram import Chat, Update

from bot.errors import GroupOnly
from bot.services import enterprises
from bot.services.drill import drills
from bot.services.drill.scenarios import load_scenarios
from bot.telegram.common import Context, display_name, is_manager, rt
from bot.telegram.drill.live import EDITOR_KEY, HeadcountEditor, close_drill, post_drill


def editor(context: Context) -> HeadcountEditor:
    """The process's one headcount editor (coalescing needs a single one per drill)."""
    found = context.bot_data.setdefault(EDITOR_KEY, HeadcountEditor())
    assert isinstance(found, HeadcountEditor)
    return found


async def refresh(context: Context, drill_id: int) -> None:
    """The headcount may have changed: edit it now or once the edit interval is over."""
    runtime = rt(context)
    await editor(context).changed(
        context.bot, runtime.ctx, runtime.renderer, drill_id, context.application.create_task
    )


async def require_manager(update: Update, context: Context) -> bool:
    """The chat's enterprise must be active and the sender an admin or the safety officer."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    if chat.type == Chat.PRIVATE:
        raise GroupOnly()
    with rt(context).ctx.session() as session:
        enterprise = enterprises.require_active(session, chat.id)
    return await is_manager(context, chat.id, user.id, enterprise)


async def start_drill(
    update: Update, context: Context, scenario: str, area: str, count: int | None
) -> None:
    """Open the drill with the sender as organizer and post its scenario and headcount."""
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
    await post_drill(context.bot, ctx, runtime.renderer, drill.id, editor(context))


async def end_drill(update: Update, context: Context, drill_id: int | None) -> None:
    """End the running drill (organizer or manager), post the report, freeze its messages."""
    runtime, chat, user = rt(context), update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    manager = await require_manager(update, context)
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
    await close_drill(context.bot, runtime.ctx, runtime.renderer, drill.id, editor(context))
