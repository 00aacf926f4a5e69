"""Who may configure a group: its administrators, asked of Telegram at the moment of the action.

Rights change inside a group at any time (an admin is demoted, a member promoted) and the bot
hears of it only as an administrator itself, so a cached admin list let a demoted admin go on
re-registering the enterprise or changing its region, and refused a newly promoted one, for as
long as the cache lived. Each admin-only action therefore asks ``getChatMember`` for the sender's
current status: one request per admin action, which are rare.
"""

from __future__ import annotations

import logging

from telegram import Bot, ChatMember
from telegram.error import BadRequest

log = logging.getLogger(__name__)

ADMIN_STATUSES = frozenset({ChatMember.OWNER, ChatMember.ADMINISTRATOR})


class ChatAdmins:
    """Answers "is this person an administrator of this group now?"; nothing is cached."""

    async def is_admin(self, bot: Bot, chat_id: int, user_id: int) -> bool:
        if chat_id > 0:  # a private chat (its id is the user's): nobody administers it
            return False
        try:
            member = await bot.get_chat_member(chat_id, user_id)
        except BadRequest as exc:  # e.g. "user not found": whoever it is, not an admin we know
            log.info("getChatMember in chat %s failed (%s): treated as not an admin", chat_id, exc)
            return False
        return member.status in ADMIN_STATUSES
