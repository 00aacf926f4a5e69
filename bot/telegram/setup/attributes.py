"""``/profile``: where the enterprise is filed for its offices — its 乡镇/街道 (``township``)
and its 行业主管部门 (``authority``), the attributes the office's desk filters by.

``/profile`` shows both; ``/profile township <name>`` or ``/profile authority <name>`` sets
one, ``-`` clears it. Admins only, as every setting of the enterprise.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.errors import DomainError
from bot.services import enterprises
from bot.services.desk.filters import BadAttribute, set_attribute
from bot.telegram.common import Context, reply, reply_error, rt
from bot.telegram.setup.handlers import check_admin

# What people type for each attribute (input syntax, English and Chinese).
KEYWORDS = {
    "township": "township", "乡镇": "township", "街道": "township",  # i18n: input syntax
    "authority": "authority", "主管部门": "authority", "行业主管部门": "authority",  # i18n: input syntax
}  # fmt: skip
CLEAR = "-"


async def profile_command(update: Update, context: Context) -> None:
    chat, ctx = update.effective_chat, rt(context).ctx
    assert chat is not None
    args = context.args or []
    name = KEYWORDS.get(args[0].lower()) if args else None
    value = " ".join(args[1:])
    try:
        await check_admin(update, context)
        with ctx.session() as session:
            enterprise = enterprises.require_active(session, chat.id)
            if name is not None and value and enterprise.id is not None:
                text = None if value == CLEAR else value
                enterprise = set_attribute(session, enterprise.id, name, text)
    except BadAttribute:
        await reply(update, context, "setup/profile_too_long")
        return
    except DomainError as error:
        await reply_error(update, context, error)
        return
    await reply(
        update, context, "setup/profile", township=enterprise.township,
        authority=enterprise.authority, changed=bool(name and value),
    )  # fmt: skip


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [CommandHandler("profile", profile_command)]
