"""Issue 22's journey end to end: the dispatcher's digest reaches an enterprise's WeCom group
(rendered, handed over, sent by the channel sender to the loopback robot), someone confirms an
item on the page the message links to, with a photo, and the office following the enterprise
sees it done in its /stats — the same database, the same outbox, one system."""

from __future__ import annotations

import datetime as dt
import re

from sqlmodel import select

from bot.emulator.images import emulated_jpeg
from bot.store.channel_models import ChannelMessage
from bot.store.models import Confirmation, OccurrenceRow
from tests.conftest import local
from tests.fakes.desk import office_linked_to
from tests.fakes.group import say_privately
from tests.integration.test_channel_confirm import LINK, PHONE, World, form, world

__all__ = ["world"]  # the fixture, shared with test_channel_confirm


async def test_a_digest_reaches_wecom_is_confirmed_on_the_page_and_the_office_sees_it(
    world: World,
) -> None:
    bot = world.desk.bot
    officer = bot.emulator.create_user("赵科长", username="zhao_office")
    await office_linked_to(bot, officer, world.group)
    before = await say_privately(bot, officer, "/stats")

    await bot.tick_at(local(2026, 12, 2, 8, 0))  # the next morning's digest
    await bot.tick()  # the channel sender posts what the dispatch handed over
    with bot.ctx.session() as s:
        handed = s.exec(select(ChannelMessage)).all()
    assert [m.state for m in handed] == ["sent"]
    [posted] = world.robot.bodies
    content = posted["markdown"]["content"]
    assert "安全提醒汇总" in content and "日管控" in content
    links = LINK.findall(content)
    assert links, content

    async with world.desk.client() as browser, browser.post(
        links[0], data=form(name="李工", photo=emulated_jpeg(3)),
        headers={"User-Agent": PHONE}, allow_redirects=False,
    ) as answer:  # fmt: skip
        assert answer.status == 303
    with bot.ctx.session() as s:
        [confirmation] = s.exec(select(Confirmation)).all()
        done = s.get(OccurrenceRow, confirmation.occurrence_id)
    assert confirmation.channel == "wecom" and done is not None and done.status == "done"

    bot.clock.set(bot.clock.now() + dt.timedelta(hours=1))
    after = await say_privately(bot, officer, "/stats")
    done_before = _done(before.text or "")
    assert _done(after.text or "") == done_before + 1, after.text


def _done(text: str) -> int:
    """How many items the office's /stats counts as done (已完成 N 项)."""
    found = re.search(r"已完成\s*(\d+)\s*项", text)
    assert found, text
    return int(found.group(1))
