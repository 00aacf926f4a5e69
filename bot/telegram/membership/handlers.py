"""The bot joining, leaving, being muted, or following a group that became a supergroup.

A restriction (``restricted`` without ``can_send_messages``) is a mute, not a removal: the
enterprise stays, its reminders are held and the safety officer is told once; the update
that lets the bot write again ends the mute and the held reminders go out as one digest.
"""

from __future__ import annotations

import logging

from telegram import Chat, ChatMember, ChatMemberRestricted, Update
from telegram.ext import BaseHandler, ChatMemberHandler, MessageHandler, filters

from bot.services import enterprises
from bot.services.reminders import mutes
from bot.services.reminders.dispatch_types import OfficerNotice
from bot.telegram.common import Context, reply, rt
from bot.telegram.reminders.notifier import tell_officer

log = logging.getLogger(__name__)

_IN = {ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER, ChatMember.RESTRICTED}


async def bot_membership_changed(update: Update, context: Context) -> None:
    change = update.my_chat_member
    if change is None or change.chat.type == Chat.PRIVATE:
        return
    was_in = change.old_chat_member.status in _IN
    is_in = change.new_chat_member.status in _IN
    runtime = rt(context)
    if is_in:
        await _rights_changed(context, change.chat.id, may_write(change.new_chat_member))
    if is_in and not was_in:
        await reply(update, context, "setup/greeting", title=change.chat.title or "")
    elif was_in and not is_in:
        with runtime.ctx.session() as session:
            enterprises.deactivate(session, change.chat.id)
        log.info("bot removed from chat %s", change.chat.id)


def may_write(member: ChatMember) -> bool:
    """Whether the bot, with this status in a group, may post text there."""
    return not isinstance(member, ChatMemberRestricted) or member.can_send_messages


async def _rights_changed(context: Context, chat_id: int, writable: bool) -> None:
    """Muted: hold the reminders, tell the officer once. Writable again: resume at once."""
    runtime = rt(context)
    ctx = runtime.ctx
    with ctx.session() as session:
        enterprise = enterprises.get_by_chat(session, chat_id)
        if enterprise is None or enterprise.id is None or not enterprise.active:
            return
        if writable:
            held = mutes.lift(session, enterprise.id)
        else:
            backoff = mutes.Backoff.from_settings(ctx.settings)
            mute = mutes.mark_muted(
                session, enterprise.id, now=ctx.clock.now(), backoff=backoff, refused=False
            )
    if writable:
        if held is not None:
            log.info("chat %s lets the bot write again; %d held reminders due", chat_id, held)
            runtime.wake()
        return
    log.info("chat %s muted the bot; reminders held", chat_id)
    if mute.newly:
        await tell_officer(context.bot, ctx, runtime.renderer, enterprise, OfficerNotice("muted"))


async def chat_migrated(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None or message.migrate_to_chat_id is None:
        return
    with rt(context).ctx.session() as session:
        enterprises.move_chat(
            session, old_chat_id=message.chat.id, new_chat_id=message.migrate_to_chat_id
        )
    log.info("chat %s migrated to %s", message.chat.id, message.migrate_to_chat_id)


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [
        ChatMemberHandler(bot_membership_changed, ChatMemberHandler.MY_CHAT_MEMBER),
        MessageHandler(filters.StatusUpdate.MIGRATE, chat_migrated),
    ]
