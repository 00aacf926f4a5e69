"""Reporting a hazard in the group: ``/hazard [description]``, a photo captioned
``/hazard …`` or ``#隐患 …``, or ``/hazard`` sent as a reply to someone's photo.

With privacy mode on (BotFather's default) the bot sees commands and replies to its own
messages only, so a photo captioned ``#隐患`` reaches it only where it reads every message
(privacy mode off, or the bot an administrator); ``/hazard`` and a caption starting with
``/hazard`` always work. What the report still lacks is asked with ForceReply (``intake``).
"""

from __future__ import annotations

import re

from telegram import Chat, Message, Update

from bot.domain.hazard import MAX_TEXT
from bot.errors import DomainError
from bot.services import enterprises
from bot.telegram.common import Context, reply_error, rt
from bot.telegram.hazards import flow, intake, private

COMMAND = "hazard"
# What people type: "#隐患" (or "#hazard") then the description, in a photo's caption.
TAG = re.compile(r"^\s*(?:#隐患|#hazard\b)[\s:：,，]*(.*)$", re.S | re.I)  # i18n: the tag typed
CAPTION_COMMAND = re.compile(rf"^/{COMMAND}(?:@(\w+))?(?:\s+(.*))?$", re.S | re.I)


def caption_report(message: Message, bot_username: str | None) -> str | None:
    """The description a photo's caption gives (``#隐患 …`` or ``/hazard …``, possibly empty),
    or None when the caption does not report a hazard (or is a command for another bot)."""
    caption = message.caption or ""
    if (tagged := TAG.match(caption)) is not None:
        return tagged.group(1).strip()
    command = CAPTION_COMMAND.match(caption.strip())
    if command is None:
        return None
    addressed = command.group(1)
    if addressed and addressed.lower() != (bot_username or "").lower():
        return None
    return (command.group(2) or "").strip()


async def hazard_command(update: Update, context: Context) -> None:
    """``/hazard [description]``: in a group, ask for what is missing; in private, the
    private report (``private``)."""
    chat, message = update.effective_chat, update.effective_message
    assert chat is not None and message is not None
    description = " ".join(" ".join(context.args or []).split())
    replied = message.reply_to_message  # "/hazard" answering a photo someone posted
    photos = flow.photos_of(replied)
    if not description and replied is not None and photos:
        description = flow.text_of(replied)
    await start(update, context, description, photos)


async def start(
    update: Update, context: Context, description: str, photos: list[flow.Photo]
) -> None:
    """A report begun with ``description`` (may be empty) and ``photos``."""
    chat, message = update.effective_chat, update.effective_message
    assert chat is not None and message is not None
    if chat.type == Chat.PRIVATE:
        await private.start(update, context, description, photos)
        return
    try:
        with rt(context).ctx.session() as session:
            enterprise = enterprises.require_active(session, chat.id)
    except DomainError as error:
        await reply_error(update, context, error)
        return
    draft = flow.with_photos({"description": description[:MAX_TEXT]}, photos)
    await intake.next_step(update, context, enterprise, draft, anchor=message)


async def photo_report(update: Update, context: Context, description: str) -> None:
    """A photo captioned ``#隐患 …`` or ``/hazard …``: its caption is the description. A tag
    in a group that has no enterprise is left alone (people may use it among themselves)."""
    chat, message = update.effective_chat, update.effective_message
    assert chat is not None and message is not None
    tagged = TAG.match(message.caption or "") is not None
    if tagged and chat.type != Chat.PRIVATE:
        with rt(context).ctx.session() as session:
            enterprise = enterprises.get_by_chat(session, chat.id)
        if enterprise is None or not enterprise.active:
            return
    await start(update, context, description, flow.photos_of(message))
