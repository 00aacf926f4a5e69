"""The desk in tests: the bot on the emulator with its web server on loopback, an office linked
to enterprises through the real Telegram flow, and login links taken from the bot's private
answer to ``/web`` (shared by the desk's integration and browser tests)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp

from bot.clock import FakeClock
from bot.demo.harness import LocalBot, local_bot
from bot.emulator import BotMessage
from bot.web.server import WebServer
from tests.fakes.group import Group, say_privately

JSON = dict[str, Any]
CODE = re.compile(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}")
LINK = re.compile(r"https?://[^\s\"<>]+/desk/login\?t=[A-Za-z0-9_.\-]+")


@dataclass
class DeskBot:
    bot: LocalBot
    server: WebServer
    base: str  # http://127.0.0.1:<port>, also the bot's DESK_BASE_URL

    def client(self) -> aiohttp.ClientSession:
        """A browser-like HTTP client: keeps cookies (also for 127.0.0.1), no redirects followed
        unless asked."""
        return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


@asynccontextmanager
async def desk_bot(
    *, database_url: str, clock: FakeClock, **settings: Any
) -> AsyncIterator[DeskBot]:
    """The bot (polling the emulator) plus its web server with the desk on a free loopback port."""
    async with local_bot(database_url=database_url, clock=clock, **settings) as bot:
        server = WebServer(bot.app, bot.metrics, host="127.0.0.1", port=0)
        port = await server.start()
        base = f"http://127.0.0.1:{port}"
        bot.ctx.settings.desk_base_url = base  # known only once the port is bound
        try:
            yield DeskBot(bot, server, base)
        finally:
            await server.stop()


async def link_code(bot: LocalBot, group: Group) -> str:
    """The group's admin asks for an office link code; it arrives in private."""
    await say_privately(bot, group.admin, "/start")
    emu = bot.emulator
    private = emu.private_chat(group.admin)["id"]
    after = emu.cursor(private)
    await group.say(group.admin, "/office code")
    message = await emu.wait_for_message(private, after=after)
    found = CODE.search(message.text or "")
    assert found, message.text
    return found.group(0)


async def office_linked_to(bot: LocalBot, officer: JSON, *groups: Group) -> None:
    """``officer``'s private chat becomes an office overseeing ``groups``' enterprises."""
    await say_privately(bot, officer, "/start")
    for group in groups:
        linked = await say_privately(bot, officer, f"/office link {await link_code(bot, group)}")
        assert "成功关联" in (linked.text or "") or "linked" in (linked.text or ""), linked.text


async def web_link(bot: LocalBot, user: JSON, chat: JSON | None = None) -> tuple[str, BotMessage]:
    """``user`` sends ``/web`` in ``chat`` (their private chat by default); returns the login
    link from the bot's private answer, and that answer."""
    emu = bot.emulator
    private = emu.private_chat(user)
    after = emu.cursor(private["id"])
    emu.send_text(chat or private, user, "/web")
    message = await emu.wait_for_message(
        private["id"], lambda m: "/desk/login?t=" in (m.text or ""), after=after
    )
    found = LINK.search(message.text or "")
    assert found, message.text
    return found.group(0), message
