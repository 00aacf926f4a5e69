"""What Telegram shows of the bot before anyone talks to it: command menus and descriptions.

Set at start-up (``post_init``), in every language the bot speaks: without a language code in
the default language (``BOT_LOCALE``), and once more per language code (``zh``, ``en``) so a
user's Telegram language picks the matching text. Workers get the group menu, chat
administrators theirs (``BotCommandScopeAllChatAdministrators``), private chats the private set.
"""

from __future__ import annotations

import logging

from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
)
from telegram.error import TelegramError
from telegram.ext import Application

from bot.render import Renderer
from bot.telegram.commands import ADMIN_MENU, GROUP_MENU, PRIVATE_COMMANDS
from bot.telegram.runtime import RUNTIME_KEY, Runtime

log = logging.getLogger(__name__)

MENUS: tuple[tuple[BotCommandScope, tuple[str, ...]], ...] = (
    (BotCommandScopeAllGroupChats(), GROUP_MENU),
    (BotCommandScopeAllChatAdministrators(), ADMIN_MENU),
    (BotCommandScopeAllPrivateChats(), PRIVATE_COMMANDS),
)


def languages(renderer: Renderer, default: str) -> list[tuple[str | None, str]]:
    """(language_code, locale) pairs: ``None`` for the default, then ``zh``, ``en`` …"""
    return [(None, default)] + [(locale.split("_")[0], locale) for locale in renderer.locales]


async def register_commands(bot: Bot, renderer: Renderer, default: str) -> None:
    """setMyCommands per scope and language, descriptions from templates."""
    for code, locale in languages(renderer, default):
        for scope, names in MENUS:
            commands = [BotCommand(n, renderer.text(locale, f"commands/{n}")) for n in names]
            await bot.set_my_commands(commands, scope=scope, language_code=code)


async def register_descriptions(bot: Bot, renderer: Renderer, default: str) -> None:
    """setMyDescription (the empty private chat) and setMyShortDescription (the profile and
    shared links) per language, only where they changed: Telegram limits how often these are
    set, and a failure is logged, never fatal (the bot works without them)."""
    for code, locale in languages(renderer, default):
        description = renderer.plain(locale, "about/description")
        short = renderer.text(locale, "about/short_description")
        try:
            if (await bot.get_my_description(code)).description != description:
                await bot.set_my_description(description, language_code=code)
            if (await bot.get_my_short_description(code)).short_description != short:
                await bot.set_my_short_description(short, language_code=code)
        except TelegramError as exc:
            log.warning("bot description (%s) not set: %s", code or "default", exc)


async def register_profile(app: Application) -> None:  # type: ignore[type-arg]
    """The ``post_init`` hook: menus and descriptions, in the default language and each other."""
    runtime: Runtime = app.bot_data[RUNTIME_KEY]
    default = runtime.ctx.settings.bot_locale
    await register_commands(app.bot, runtime.renderer, default)
    await register_descriptions(app.bot, runtime.renderer, default)
