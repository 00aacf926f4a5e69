"""The bot joining, leaving, or following a group that became a supergroup."""

from __future__ import annotations

import logging

from telegram import Chat, ChatMember, Update
from telegram.ext import BaseHandler, ChatMemberHandler, MessageHandler, filters

from bot.services import enterprises
from bot.telegram.handlers.common import Context, reply, rt

log = logging.getLogger(__name__)

_IN = {ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER, ChatMember.RESTRICTED}


async def bot_membership_changed(update: Update, context: Context) -> None:
    change = update.my_chat_member
    if change is None or change.chat.type == Chat.PRIVATE:
        return
    was_in = change.old_chat_member.status in _IN
    is_in = change.new_chat_member.status in _IN
    runtime = rt(context)
    if is_in and not was_in:
        await reply(update, context, "setup/greeting", title=change.chat.title or "")
    elif was_in and not is_in:
        with runtime.ctx.session() as session:
            enterprises.deactivate(session, change.chat.id)
        runtime.admins.forget(change.chat.id)
        log.info("bot removed from chat %s", change.chat.id)


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
