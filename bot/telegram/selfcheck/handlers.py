"""``/selfcheck``: the sector's 重大事故隐患判定标准 as a checklist, in a private chat.

In a group the command only points to the private chat (a button opens it with
``/start selfcheck``, which starts the self-check there); the checklist itself is one item per
message with 是 / 否 / 不适用 (``flow`` starts and resumes it, ``buttons`` takes the answers).
"""

from __future__ import annotations

from telegram import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.telegram.common import Context, chat_locale, reply, rt
from bot.telegram.selfcheck import buttons, flow

# t.me/<bot>?start=<payload>: Telegram opens the private chat and sends "/start <payload>".
START_PAYLOAD = "selfcheck"


async def selfcheck_command(update: Update, context: Context) -> None:
    chat = update.effective_chat
    assert chat is not None
    if chat.type == Chat.PRIVATE:
        await flow.begin(update, context)
        return
    await reply(
        update, context, "selfcheck/in_private", markup=_open_private(context, update),
        bot=context.bot.username or "",
    )  # fmt: skip


def _open_private(context: Context, update: Update) -> InlineKeyboardMarkup | None:
    username = context.bot.username  # from getMe, which PTB calls at start-up
    if not username:
        return None
    label = rt(context).renderer.text(chat_locale(context, update), "selfcheck/open_private")
    url = f"https://t.me/{username}?start={START_PAYLOAD}"
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, url=url)]])


async def start_from_link(update: Update, context: Context) -> None:
    """``/start selfcheck`` (the group's button opened the private chat): as ``/selfcheck``."""
    await flow.begin(update, context)


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    from_link = filters.ChatType.PRIVATE & filters.Regex(rf"^/start(@\w+)?\s+{START_PAYLOAD}\s*$")
    return [
        CommandHandler("selfcheck", selfcheck_command),
        CommandHandler("start", start_from_link, filters=from_link),
        CallbackQueryHandler(buttons.pressed, pattern=r"^hz:c:"),
    ]


def message_handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return []
