"""``/start``, ``/help`` and a helpful answer to commands the bot does not know."""

from __future__ import annotations

from telegram import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.services import enterprises
from bot.telegram.commands import ROLES
from bot.telegram.common import Context, chat_locale, reply, rt
from bot.telegram.setup.handlers import setup_command

# t.me/<bot>?startgroup=<payload>: Telegram adds the bot, then posts "/start <payload>" there.
STARTGROUP_PAYLOAD = "setup"


def _private(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type == Chat.PRIVATE


async def help_command(update: Update, context: Context) -> None:
    """Every command under its role (private chats see their own first), with an example."""
    private, renderer, locale = _private(update), rt(context).renderer, chat_locale(context, update)
    roles = sorted(ROLES, key=lambda role: role[0] != "private") if private else ROLES
    sections = [
        (
            role,
            renderer.text(locale, "help/role", role=role),
            [
                (
                    name,
                    renderer.text(locale, f"commands/{name}"),
                    renderer.text(locale, "help/example", name=name, private=role == "private"),
                )
                for name in names
            ],
        )
        for role, names in roles
    ]
    await reply(update, context, "help/help", private=private, sections=sections)


async def start_command(update: Update, context: Context) -> None:
    """Private: what the bot is, with an "add me to your group" link. In a group that is not
    set up yet, ``/start setup`` (the link's payload) asks for the setup; else it is /help."""
    chat = update.effective_chat
    assert chat is not None
    if _private(update):
        await reply(update, context, "help/start", markup=_add_to_group(context, update))
        return
    with rt(context).ctx.session() as session:
        enterprise = enterprises.get_by_chat(session, chat.id)
    if context.args and (enterprise is None or not enterprise.active):
        context.args = []  # the payload is not a sector: ask for everything
        await setup_command(update, context)
        return
    await help_command(update, context)


def _add_to_group(context: Context, update: Update) -> InlineKeyboardMarkup | None:
    username = context.bot.username  # from getMe, which PTB calls at start-up
    if not username:
        return None
    label = rt(context).renderer.text(chat_locale(context, update), "help/add_to_group")
    url = f"https://t.me/{username}?startgroup={STARTGROUP_PAYLOAD}"
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, url=url)]])


async def unknown_command(update: Update, context: Context) -> None:
    message, chat = update.effective_message, update.effective_chat
    if message is None or message.text is None or chat is None:
        return
    command = message.text.split()[0]
    addressed = (
        "@" in command and command.split("@", 1)[1].lower() == (context.bot.username or "").lower()
    )
    if chat.type == Chat.PRIVATE or addressed:  # in groups, other bots' commands are not ours
        await reply(update, context, "help/unknown_command", command=command.split("@")[0])


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [CommandHandler("start", start_command), CommandHandler("help", help_command)]


async def unknown_button(update: Update, context: Context) -> None:
    """A button nobody handles (forged, or from an older version): say so, change nothing."""
    query = update.callback_query
    if query is not None:
        await query.answer(
            rt(context).renderer.text(chat_locale(context, update), "errors/stale_button_short"),
            show_alert=True,
        )


def fallback_handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [MessageHandler(filters.COMMAND, unknown_command), CallbackQueryHandler(unknown_button)]
