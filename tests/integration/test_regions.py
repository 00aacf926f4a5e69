"""Regional profiles in the group: national rules only by default, a local profile on request.

A duty applies only where the document that imposes it binds (docs/catalog.md, "Region
profiles"): a new enterprise gets national law; `/region` adds a province's or an area's list.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlmodel import select

from bot.clock import FakeClock
from bot.demo.harness import LocalBot, local_bot
from bot.store.models import Enterprise, OccurrenceRow
from tests.conftest import local
from tests.fakes.group import group_with_bot


@pytest.fixture
async def national_bot(database_url: str, clock: FakeClock) -> AsyncIterator[LocalBot]:
    """A deployment with the default BOT_REGION (national rules only)."""
    async with local_bot(database_url=database_url, clock=clock, bot_region="national") as bot:
        yield bot


def _region(bot: LocalBot, chat_id: int) -> str:
    with bot.ctx.session() as s:
        return s.exec(select(Enterprise.region).where(Enterprise.chat_id == chat_id)).one()


def _obligations(bot: LocalBot) -> set[str]:
    with bot.ctx.session() as s:
        return set(s.exec(select(OccurrenceRow.obligation_id)).all())


async def test_one_line_setup_defaults_to_national_rules_only(national_bot: LocalBot) -> None:
    group = await group_with_bot(national_bot)
    done = await group.setup()
    assert "仅国家规定" in (done.text or "") and "/region" in (done.text or "")
    assert _region(national_bot, group.chat_id) == "national"
    got = _obligations(national_bot)
    assert {"onsite-drill", "emergency-drill"} <= got
    assert "daily-control" not in got and "leader-inspection" not in got  # Hubei's, Quyuan's…


async def test_region_by_name_adds_the_local_lists_and_shows_them(national_bot: LocalBot) -> None:
    group = await group_with_bot(national_bot)
    await group.setup()
    shown = await group.say(group.admin, "/region")
    text = shown.text or ""
    for name in (
        "仅国家规定",
        "湖北省",
        "湖北省鄂州市",
        "湖南省岳阳市屈原管理区",
        "山西省忻州经济开发区",
    ):
        assert name in text
    await group.say(group.admin, "/region 鄂州", expect="湖北省鄂州市")
    assert _region(national_bot, group.chat_id) == "ezhou"
    await national_bot.tick_at(local(2026, 12, 2, 9, 0))
    assert {"daily-control", "leader-inspection"} <= _obligations(national_bot)


async def test_guided_setup_keeps_national_when_chosen(national_bot: LocalBot) -> None:
    group = await group_with_bot(national_bot)
    emu = national_bot.emulator
    prompt = await group.say(group.admin, "/setup")
    after = emu.cursor(group.chat_id)
    emu.press_button(group.chat, group.admin, prompt.message_id, data="st:shopping_mall")
    regions = await emu.wait_for_message(group.chat_id, after=after)
    assert [data for _, data in regions.buttons()] == [
        "rg:national",
        "rg:hubei",
        "rg:ezhou",
        "rg:quyuan",
        "rg:xinzhou",
    ]
    after = emu.cursor(group.chat_id)
    emu.press_button(group.chat, group.admin, regions.message_id, data="rg:national")
    patterns = await emu.wait_for_message(group.chat_id, after=after)
    assert [data for _, data in patterns.buttons()] == ["wp:office", "wp:2", "wp:3"]
    after = emu.cursor(group.chat_id)
    emu.press_button(group.chat, group.admin, patterns.message_id, data="wp:office")
    ask = await emu.wait_for_message(group.chat_id, after=after)
    after = emu.cursor(group.chat_id)
    emu.send_text(group.chat, group.admin, "某某购物广场", reply_to=ask.message_id)
    done = await emu.wait_for_message(group.chat_id, after=after)
    assert "商场" in (done.text or "") and "仅国家规定" in (done.text or "")
    assert _region(national_bot, group.chat_id) == "national"
