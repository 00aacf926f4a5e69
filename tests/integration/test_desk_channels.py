"""Robot channels set up from the desk (issue 22's "or from the web dashboard"): an enterprise
admin adds a WeCom robot and removes it; a bad address gets the shape expected and nothing is
stored; an office only looks at a Telegram enterprise's robots; every POST needs the CSRF token."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import aiohttp
import pytest
from sqlmodel import select

from bot.clock import FakeClock
from bot.store.channel_models import Channel
from bot.store.models import Enterprise
from tests.fakes.desk import DeskBot, desk_bot, office_linked_to, web_link
from tests.fakes.group import group_with_bot, say_privately

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"


@pytest.fixture
async def desk(database_url: str, clock: FakeClock) -> AsyncIterator[DeskBot]:
    async with desk_bot(database_url=database_url, clock=clock) as running:
        yield running


async def _get(http: aiohttp.ClientSession, url: str) -> tuple[int, str]:
    async with http.get(url, allow_redirects=False) as answer:
        return answer.status, await answer.text()


async def _post(http: aiohttp.ClientSession, url: str, data: dict[str, str]) -> tuple[int, str]:
    async with http.post(url, data=data, allow_redirects=False) as answer:
        return answer.status, await answer.text()


def _channels(desk: DeskBot) -> list[Channel]:
    with desk.bot.ctx.session() as s:
        return list(s.exec(select(Channel)).all())


async def test_an_enterprise_admin_adds_and_removes_a_robot_from_the_desk(desk: DeskBot) -> None:
    bot = desk.bot
    group = await group_with_bot(bot)
    await group.setup()
    await say_privately(bot, group.admin, "/start")
    link, _ = await web_link(bot, group.admin, group.chat)
    with bot.ctx.session() as s:
        enterprise_id = s.exec(select(Enterprise.id)).one()
    page = f"{desk.base}/desk/enterprise/{enterprise_id}/channels"
    async with desk.client() as http:
        assert (await _get(http, link))[0] == 200
        status, html = await _get(http, page)
        assert status == 200 and "暂无机器人渠道" in html
        csrf = CSRF.findall(html)[0]

        add = f"{page}/add"
        forged = {"platform": "wecom", "url": WECOM, "csrf": "x" * 20}
        assert (await _post(http, add, forged))[0] == 403
        status, html = await _post(http, add, {"platform": "dingtalk", "url": WECOM, "csrf": csrf})
        assert status == 400 and "oapi.dingtalk.com" in html and "未保存" in html
        assert _channels(desk) == []

        status, _ = await _post(http, add, {"platform": "wecom", "url": WECOM, "csrf": csrf})
        assert status == 303
        status, html = await _get(http, page)
        assert "693a" in html and "0ec2sifa5aaa" not in html, "the key is a secret: masked"
        (channel,) = _channels(desk)
        assert (channel.platform, channel.webhook_url, channel.added_by) == (
            "wecom", WECOM, group.admin["id"],
        )  # fmt: skip

        gone = {"number": "1", "csrf": csrf}
        assert (await _post(http, f"{page}/remove", gone))[0] == 303
    assert _channels(desk) == []


async def test_an_office_sees_a_telegram_enterprises_robots_but_does_not_change_them(
    desk: DeskBot,
) -> None:
    bot = desk.bot
    group = await group_with_bot(bot)
    await group.setup()
    officer = bot.emulator.create_user("李科长", username="li_office")
    await office_linked_to(bot, officer, group)
    link, _ = await web_link(bot, officer)
    with bot.ctx.session() as s:
        enterprise_id = s.exec(select(Enterprise.id)).one()
    page = f"{desk.base}/desk/enterprise/{enterprise_id}/channels"
    async with desk.client() as http:
        assert (await _get(http, link))[0] == 200
        status, html = await _get(http, page)
        assert status == 200 and 'action="/desk/enterprise' not in html
        csrf = CSRF.findall((await _get(http, f"{desk.base}/desk/sessions"))[1])[0]
        data = {"platform": "wecom", "url": WECOM, "csrf": csrf}
        assert (await _post(http, f"{page}/add", data))[0] == 403
        assert (await _get(http, f"{desk.base}/desk/enterprise/{enterprise_id + 99}/channels"))[
            0
        ] == 404
    assert _channels(desk) == []
