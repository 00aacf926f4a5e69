"""``/join`` and the 🙋 button put people on the roster; ``/officer`` names the safety officer."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.errors import DomainError, NotAdmin, OfficerUnknown
from bot.services import enterprises
from bot.services.roster import members as roster
from bot.telegram.common import (
    Context,
    answer_error,
    chat_locale,
    display_name,
    reply,
    reply_error,
    rt,
)


async def _join(update: Update, context: Context) -> tuple[bool, int]:
    chat, user, ctx = update.effective_chat, update.effective_user, rt(context).ctx
    assert chat is not None and user is not None
    with ctx.session() as session:
        enterprise = enterprises.require_active(session, chat.id)
        new = roster.join(
            session,
            enterprise_id=enterprise.id or 0,
            user_id=user.id,
            name=display_name(update),
            username=user.username,
            now=ctx.clock.now(),
        )
        size = len(roster.members(session, enterprise.id or 0))
    return new, size


async def join_command(update: Update, context: Context) -> None:
    try:
        new, size = await _join(update, context)
    except DomainError as error:
        await reply_error(update, context, error)
        return
    await reply(update, context, "roster/joined", new=new, name=display_name(update), size=size)


async def join_button(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None
    try:
        new, size = await _join(update, context)
    except DomainError as error:
        await answer_error(update, context, error)
        return
    await query.answer(
        rt(context).renderer.text(
            chat_locale(context, update), "roster/joined_short", new=new, size=size
        )
    )


async def officer_command(update: Update, context: Context) -> None:
    """``/officer`` replying to someone's message, or ``/officer @username`` of a roster member."""
    chat, user, message, runtime = (
        update.effective_chat,
        update.effective_user,
        update.effective_message,
        rt(context),
    )
    assert chat is not None and user is not None and message is not None
    ctx = runtime.ctx
    replied = message.reply_to_message.from_user if message.reply_to_message else None
    try:
        if not await runtime.admins.is_admin(context.bot, chat.id, user.id):
            raise NotAdmin()
        with ctx.session() as session:
            enterprise = enterprises.require_active(session, chat.id)
            if replied is not None and not replied.is_bot:
                target = (replied.id, replied.full_name, replied.username)
            else:
                member = roster.find_by_username(
                    session, enterprise_id=enterprise.id or 0, username=(context.args or [""])[0]
                )
                if member is None:
                    raise OfficerUnknown()
                target = (member.user_id, member.name, member.username)
            enterprises.set_officer(session, enterprise, target[0])
            roster.join(
                session,
                enterprise_id=enterprise.id or 0,
                user_id=target[0],
                name=target[1],
                username=target[2],
                now=ctx.clock.now(),
            )
    except DomainError as error:
        await reply_error(update, context, error)
        return
    await reply(update, context, "roster/officer_set", name=target[1])


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [
        CommandHandler("join", join_command),
        CommandHandler("officer", officer_command),
        CallbackQueryHandler(join_button, pattern=r"^jn$"),
    ]
