"""Command menus per scope and language, read back from the emulator with getMyCommands, and
matching what the handlers allow: a worker is refused every admin command and none of theirs."""

from __future__ import annotations

import re

import pytest
from telegram import (
    BotCommandScope,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
)
from telegram.ext import CommandHandler

from bot.demo.harness import LocalBot
from bot.emulator import BotMessage
from bot.telegram.commands import ADMIN_COMMANDS, WORKER_COMMANDS
from bot.telegram.runtime import runtime_of
from tests.fakes.group import JSON, Group, group_with_bot

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
GROUPS = BotCommandScopeAllGroupChats()
ADMINS = BotCommandScopeAllChatAdministrators()
PRIVATE = BotCommandScopeAllPrivateChats()
# What the handlers refuse to anyone but a chat admin (or the safety officer), whatever the code
# says: the worker and admin menus must split the commands the same way.
ADMIN_ONLY = {"setup", "digest", "topic", "region", "shifts", "officer", "office", "event"}
ADMIN_ONLY |= {"drill", "check", "retrain", "lang"}
ADMIN_ONLY |= {"profile"}  # where the enterprise is filed for the office's desk
ADMIN_ONLY |= {"web"}  # the desk's login link (docs/desk.md); in office chats anyone's
ADMIN_ONLY |= {"channel"}  # WeCom, DingTalk, Feishu robots (docs/channels.md)


def answered_commands(bot: LocalBot) -> set[str]:
    names: set[str] = set()
    for handlers in bot.app.handlers.values():
        for handler in handlers:
            if isinstance(handler, CommandHandler):
                names |= set(handler.commands)
    return names


async def menu(bot: LocalBot, scope: BotCommandScope, language: str | None) -> list[str]:
    commands = await bot.app.bot.get_my_commands(scope=scope, language_code=language)
    return [c.command for c in commands]


async def test_every_command_handler_is_in_a_command_menu(bot: LocalBot) -> None:
    shown: set[str] = set()
    for scope in (GROUPS, ADMINS, PRIVATE):
        shown |= set(await menu(bot, scope, None))
    missing = answered_commands(bot) - shown
    assert not missing, f"commands the bot answers but no menu shows: {sorted(missing)}"


@pytest.mark.parametrize("language", [None, "zh", "en"])
async def test_each_scope_has_its_menu_in_each_language(
    bot: LocalBot, language: str | None
) -> None:
    workers, admins = await menu(bot, GROUPS, language), await menu(bot, ADMINS, language)
    private = await menu(bot, PRIVATE, language)
    assert workers and not set(workers) & ADMIN_ONLY, "workers see only what they may use"
    assert {"due", "join", "quiz", "help"} <= set(workers)
    assert set(admins) == set(workers) | ADMIN_ONLY, "admins see theirs and the workers'"
    assert admins[0] == "setup" and admins[-1] == "help"
    assert {"start", "practice", "me", "help"} <= set(private)
    assert not {"setup", "digest", "topic", "drill", "join"} & set(private)
    for scope in (GROUPS, ADMINS, PRIVATE):
        for command in await bot.app.bot.get_my_commands(scope=scope, language_code=language):
            chinese = bool(CJK.search(command.description))
            assert chinese == (language != "en"), (language, command)  # default: BOT_LOCALE=zh_CN


def _replied_to(message: BotMessage) -> int | None:
    replied = message.raw.get("reply_to_message")
    return None if replied is None else int(replied["message_id"])


async def _refused(group: Group, user: JSON, commands: list[str]) -> set[str]:
    """Which of ``commands`` (sent by ``user`` in a row) the bot refused (a 🔒 reply).

    Updates are handled one after another, so once the closing /help is answered every
    command before it has been answered too."""
    emu = group.bot.emulator
    sent = {emu.send_text(group.chat, user, text)["message_id"]: text for text in commands}
    last = emu.send_text(group.chat, user, "/help")["message_id"]
    await emu.wait_for_message(group.chat_id, lambda m: _replied_to(m) == last)
    return {
        sent[replied]
        for m in emu.sent(group.chat_id)
        if (replied := _replied_to(m)) in sent and (m.text or "").startswith("🔒")
    }


def _example(bot: LocalBot, name: str) -> str:
    """``/name`` with the arguments /help shows for it in a Chinese group."""
    renderer = runtime_of(bot.app.bot_data).renderer
    args = renderer.text("zh_CN", "help/example", name=name, private=False)
    if name == "lang":  # its description shows how; /lang alone shows the language to anyone
        args = "en"
    return f"/{name} {args}".strip()


async def test_a_worker_is_refused_every_admin_command_and_none_of_theirs(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    admin_only = [_example(bot, name) for name in ADMIN_COMMANDS]
    theirs = [_example(bot, name) for name in WORKER_COMMANDS]
    assert await _refused(group, group.worker, admin_only + theirs) == set(admin_only)


async def test_an_admin_may_run_every_admin_command(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    assert await _refused(group, group.admin, [_example(bot, n) for n in ADMIN_COMMANDS]) == set()
