"""逢查必考 after an inspection comes from Ezhou's and Xinzhou's lists (S1#37, S4#21); a Hubei
enterprise, whose documents do not ask for it, is not offered the check (the offer itself:
``test_reminders.test_confirming_an_inspection_offers_the_knowledge_check``)."""

from __future__ import annotations

import pytest

from bot.demo.harness import LocalBot
from tests.integration.test_reminders import leader_reminder, press

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


async def test_no_knowledge_check_offer_where_no_list_asks_for_it_s0(bot: LocalBot) -> None:
    group, december, reminder = await leader_reminder(bot, region="hubei")
    emu = bot.emulator
    after = emu.cursor(group.chat_id)
    await press(group, group.admin, reminder, f"cf:{december.id}")
    asked = await emu.wait_for_message(group.chat_id, after=after)  # the evidence prompt
    assert "📎" in (asked.text or "")
    assert not any((cb or "").startswith("qz:o:") for _, cb in asked.buttons())
