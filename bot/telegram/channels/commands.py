"""``/channel add|list|remove`` in an enterprise's group: its WeCom, DingTalk, Feishu robots.

Only the group's admins and its safety officer may use it. A webhook address is a secret
(whoever has it can post to that group), so the bot deletes the admin's ``/channel add``
message as soon as it has read it and shows the address only masked; if it may not delete
messages (it is no admin of the group), it asks the admin to delete it themselves.

``/channel add wecom <url>`` · ``/channel add dingtalk <url> <secret>`` ·
``/channel add feishu <url> <secret>``; ``keyword=<word>`` instead of (or beside) a secret
for a robot whose security setting is a keyword.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CommandHandler

from bot.channels.platforms import SHAPES, mask
from bot.errors import DomainError
from bot.services.channels import registry
from bot.telegram.common import Context, chat_locale, managed_enterprise, reply, reply_error, rt
from bot.telegram.sending import send_html

log = logging.getLogger(__name__)


def _parse_add(args: list[str]) -> tuple[str, str, str | None, str | None] | None:
    """(platform, url, secret, keyword) of ``add <platform> <url> [secret] [keyword=…]``."""
    if len(args) < 3 or args[1].lower() not in SHAPES:
        return None
    secret = keyword = None
    for extra in args[3:]:
        if extra.lower().startswith("keyword="):
            keyword = extra.split("=", 1)[1]
        elif secret is None:
            secret = extra
        else:
            return None
    return args[1].lower(), args[2], secret, keyword


async def _say(update: Update, context: Context, template: str, **values: object) -> None:
    """Post to the group without quoting the command (it may have been deleted)."""
    chat = update.effective_chat
    assert chat is not None
    text = rt(context).renderer.render(chat_locale(context, update), template, **values)
    await send_html(context.bot, chat.id, text)


async def _forget_message(update: Update, context: Context) -> bool:
    """Delete the message holding the webhook address; False if the bot may not."""
    message = update.effective_message
    if message is None:
        return True
    try:
        await context.bot.delete_message(message.chat_id, message.message_id)
    except TelegramError:
        return False
    return True


async def _add(update: Update, context: Context, args: list[str]) -> None:
    parsed = _parse_add(args)
    deleted = await _forget_message(update, context)  # a secret: never left in the group
    if parsed is None:
        await _say(update, context, "channels/usage", deleted=deleted)
        return
    platform, url, secret, keyword = parsed
    runtime, user = rt(context), update.effective_user
    try:
        enterprise = await managed_enterprise(update, context)
        with runtime.ctx.session() as session:
            added = registry.add_channel(
                session, enterprise, platform, url, secret, keyword, user.id if user else None,
                now=runtime.ctx.clock.now(),
            )  # fmt: skip
    except DomainError as error:  # not a manager, not a group, a bad webhook: nothing kept
        await _say(update, context, error.template, **error.context)
        if not deleted:
            await _say(update, context, "channels/delete_yourself")
        return
    await _say(
        update, context, "channels/added", platform=platform, url=mask(added.channel.webhook_url),
        created=added.created, deleted=deleted,
        page=bool(runtime.ctx.settings.desk_base_url),
    )  # fmt: skip


async def channel_command(update: Update, context: Context) -> None:
    args = list(context.args or [])
    action = args[0].lower() if args else ""
    try:
        if action == "add":
            await _add(update, context, args)
            return
        enterprise = await managed_enterprise(update, context)
        assert enterprise.id is not None
        with rt(context).ctx.session() as session:
            if action == "remove" and len(args) == 2 and args[1].isdigit():
                gone = registry.remove_channel(session, enterprise.id, int(args[1]))
                if gone is None:
                    await reply(update, context, "channels/no_such", number=args[1])
                else:
                    await reply(
                        update, context, "channels/removed", platform=gone.platform,
                        url=mask(gone.webhook_url),
                    )  # fmt: skip
                return
            if action not in ("list", ""):
                await reply(update, context, "channels/usage", deleted=True)
                return
            rows = registry.channels_of(session, enterprise.id)
        await reply(
            update, context, "channels/list", name=enterprise.name,
            channels=[(c, mask(c.webhook_url)) for c in rows],
        )  # fmt: skip
    except DomainError as error:
        await reply_error(update, context, error)


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [CommandHandler("channel", channel_command)]
