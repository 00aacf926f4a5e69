"""逢查必考 after an inspection: offered only where the enterprise's lists ask for it (S1#37 in
Ezhou, S4#21 in Xinzhou), not in a profile whose documents do not (Hubei's S0)."""

from __future__ import annotations

import pytest

from bot.demo.harness import LocalBot
from tests.conftest import local
from tests.fakes.group import group_with_bot
from tests.integration.test_reminders import carrying, occurrence, press

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.mark.parametrize(("region", "offered"), [("ezhou", True), ("hubei", False)])
async def test_confirming_an_inspection_offers_the_check_only_where_a_list_asks_for_it_s1_37(
    bot: LocalBot, region: str, offered: bool
) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    await group.say(group.admin, f"/region {region}")
    december = occurrence(bot, "leader-inspection", "2026-12")
    for day in range(1, 25):
        await bot.tick_at(local(2026, 12, day, 9, 0))
    reminder = carrying(bot, group.chat_id, f"cf:{december.id}")
    emu = bot.emulator
    after = emu.cursor(group.chat_id)
    await press(group, group.admin, reminder, f"cf:{december.id}")
    asked = await emu.wait_for_message(group.chat_id, after=after)  # the evidence prompt
    buttons = [cb or "" for m in [asked] for _, cb in m.buttons()]
    assert any(cb.startswith("qz:o:") for cb in buttons) is offered
