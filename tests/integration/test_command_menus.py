"""Every command the bot answers is in a command menu, and every menu command is in /help."""

from __future__ import annotations

import re

import pytest
from telegram.ext import CommandHandler

from bot.demo.harness import LocalBot
from tests.fakes.group import group_with_bot

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def answered_commands(bot: LocalBot) -> set[str]:
    names: set[str] = set()
    for handlers in bot.app.handlers.values():
        for handler in handlers:
            if isinstance(handler, CommandHandler):
                names |= set(handler.commands)
    return names


def menu_commands(bot: LocalBot) -> set[str]:
    calls = [c.params for c in bot.emulator.calls if c.method == "setMyCommands" and c.ok]
    assert calls, "the bot registers its command menus at start-up"
    return {cmd["command"] for params in calls for cmd in params["commands"]}


async def test_every_command_handler_is_in_a_command_menu(bot: LocalBot) -> None:
    missing = answered_commands(bot) - menu_commands(bot)
    assert not missing, f"commands the bot answers but no menu shows: {sorted(missing)}"


async def test_every_group_menu_command_is_listed_by_help(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    text = (await group.say(group.worker, "/help")).text or ""
    listed = set(re.findall(r"^/(\w+)", text, flags=re.MULTILINE))
    group_menu = {
        cmd["command"]
        for c in bot.emulator.calls
        if c.method == "setMyCommands" and c.ok and "group" in str(c.params.get("scope"))
        for cmd in c.params["commands"]
    }
    assert group_menu and group_menu <= listed, f"not in /help: {sorted(group_menu - listed)}"
