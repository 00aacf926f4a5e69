"""Office links that change after they were made (issue 14, item 5): an office group that
becomes a supergroup keeps its enterprises, digest and evidence links; an enterprise unlinks an
office, an office drops an enterprise, and unused link codes can be revoked."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select
from telegram import Update

from bot.demo.harness import LocalBot
from bot.reports.sources import ReportSources
from bot.store.models import OccurrenceRow
from bot.store.office_models import LinkCode, Office, OfficeLink
from bot.telegram.office.digest_job import send_due_digests
from tests.conftest import local
from tests.fakes.group import Group, group_with_bot, say_privately
from tests.integration.test_office import _link_code

JSON = dict[str, Any]
REFUSED = "只有群管理员"


def _links(bot: LocalBot) -> list[tuple[str, int]]:
    """(office title, enterprise id) of every link."""
    with bot.ctx.session() as s:
        rows = s.exec(
            select(Office.title, OfficeLink.enterprise_id)
            .join(Office, col(Office.id) == col(OfficeLink.office_id))
            .order_by(col(Office.title))
        ).all()
    return [(title, enterprise_id) for title, enterprise_id in rows]


def _office_chat_id(bot: LocalBot, title: str) -> int:
    with bot.ctx.session() as s:
        return s.exec(select(Office.chat_id).where(Office.title == title)).one()


async def _office_group(bot: LocalBot, enterprise: Group, *, supergroup: bool) -> tuple[JSON, JSON]:
    """An office group (安委办) whose admin links it to ``enterprise``; (chat, its admin)."""
    emu = bot.emulator
    head = emu.create_user("周主任", username="zhou")
    chat = emu.create_group("区安委办", admins=[head], supergroup=supergroup)
    after = emu.cursor(chat["id"])
    emu.add_bot_to_group(chat, by=head)
    await emu.wait_for_message(chat["id"], after=after)
    code = await _link_code(bot, enterprise)
    after = emu.cursor(chat["id"])
    emu.send_text(chat, head, f"/office link {code}")
    await emu.wait_for_message(chat["id"], lambda m: "成功关联" in (m.text or ""), after=after)
    return chat, head


async def _say(bot: LocalBot, chat: JSON, user: JSON, text: str) -> str:
    emu = bot.emulator
    after = emu.cursor(chat["id"])
    emu.send_text(chat, user, text)
    return (await emu.wait_for_message(chat["id"], after=after)).text or ""


async def test_an_office_group_follows_its_supergroup_with_stats_digest_and_evidence(
    bot: LocalBot,
) -> None:
    emu = bot.emulator
    enterprise = await group_with_bot(bot)
    await enterprise.setup()
    office_chat, head = await _office_group(bot, enterprise, supergroup=False)

    new = emu.migrate_to_supergroup(office_chat)
    await emu.wait_for(lambda: _office_chat_id(bot, "区安委办") == new["id"])

    stats = await _say(bot, new, head, "/stats")
    assert "督办清单" in stats and "1 家企业" in stats
    with bot.ctx.session() as s:
        occurrence_id = s.exec(select(OccurrenceRow.id)).first()
    shown = await say_privately(bot, head, f"/start of{occurrence_id}")
    assert "某某化工有限公司" in (shown.text or "") and "无法查看" not in (shown.text or "")
    bot.clock.set(local(2026, 12, 7, 8, 30))  # Monday morning
    assert await send_due_digests(bot.app.bot, bot.runtime, ReportSources()) == 1
    assert "安全生产周报" in (emu.sent(new["id"])[-1].text or "")


async def test_the_digest_finds_an_office_chat_that_moved_while_the_bot_was_away(
    bot: LocalBot,
) -> None:
    emu = bot.emulator
    enterprise = await group_with_bot(bot)
    await enterprise.setup()
    office_chat, _ = await _office_group(bot, enterprise, supergroup=False)
    assert bot.app.updater is not None
    await bot.app.updater.stop()  # the migration news is not read before the digest goes out
    try:
        new = emu.migrate_to_supergroup(office_chat)
        bot.clock.set(local(2026, 12, 7, 8, 30))
        assert await send_due_digests(bot.app.bot, bot.runtime, ReportSources()) == 0
        assert _office_chat_id(bot, "区安委办") == new["id"]
        assert await send_due_digests(bot.app.bot, bot.runtime, ReportSources()) == 1
        assert "安全生产周报" in (emu.sent(new["id"])[-1].text or "")
    finally:
        await bot.app.updater.start_polling(
            poll_interval=0, timeout=1, allowed_updates=Update.ALL_TYPES
        )


async def _press(bot: LocalBot, chat: JSON, user: JSON, message_id: int, data: str) -> JSON:
    emu = bot.emulator
    return await emu.wait_for_callback_answer(emu.press_button(chat, user, message_id, data=data))


async def test_an_enterprise_admin_unlinks_one_office_with_a_button(bot: LocalBot) -> None:
    emu = bot.emulator
    enterprise = await group_with_bot(bot)
    await enterprise.setup()
    office_chat, head = await _office_group(bot, enterprise, supergroup=True)
    officer = emu.create_user("李科长")
    await say_privately(bot, officer, f"/office link {await _link_code(bot, enterprise)}")
    before = _links(bot)
    assert [title for title, _ in before] == ["区安委办", "李科长"]

    assert REFUSED in (await enterprise.say(enterprise.worker, "/office unlink")).text
    listing = await enterprise.say(enterprise.admin, "/office unlink", expect="不再查看")
    buttons = {label: data for label, data in listing.buttons()}
    assert set(buttons) == {"✖️ 区安委办", "✖️ 李科长"}
    refused = await _press(bot, enterprise.chat, enterprise.worker, listing.message_id,
                           buttons["✖️ 区安委办"])  # fmt: skip
    assert refused.get("show_alert") and REFUSED in refused.get("text", "")
    assert _links(bot) == before

    after = emu.cursor(office_chat["id"])
    answer = await _press(bot, enterprise.chat, enterprise.admin, listing.message_id,
                          buttons["✖️ 区安委办"])  # fmt: skip
    assert "已解除" in answer.get("text", "")
    assert [title for title, _ in _links(bot)] == ["李科长"]  # the other link stays
    edited = await emu.wait_for(  # the list became what was done
        lambda: (m := emu.message(enterprise.chat_id, listing.message_id)).edits and m
    )
    assert "区安委办" in (edited.text or "") and edited.buttons() == []
    notice = await emu.wait_for_message(office_chat["id"], after=after)
    assert "某某化工有限公司</b> 已不再向本监管部门报送" in (notice.html or "")
    assert "关联企业 0 家" in await _say(bot, office_chat, head, "/office")

    again = emu.press_raw(enterprise.chat, enterprise.admin, listing.message_id,
                          buttons["✖️ 区安委办"])  # fmt: skip
    assert "已被解除" in (await emu.wait_for_callback_answer(again)).get("text", "")


async def test_an_office_drops_an_enterprise_by_name_and_bad_names_change_nothing(
    bot: LocalBot,
) -> None:
    emu = bot.emulator
    enterprise = await group_with_bot(bot)
    await enterprise.setup()
    officer, namesake = emu.create_user("李科长"), emu.create_user("李科长")
    for person in (officer, namesake):
        await say_privately(bot, person, f"/office link {await _link_code(bot, enterprise)}")
    before = _links(bot)

    wrong = await enterprise.say(enterprise.admin, "/office unlink 不存在的办公室")
    assert "没有名为“不存在的办公室”" in (wrong.text or "") and _links(bot) == before
    two = await enterprise.say(enterprise.admin, "/office unlink 李科长")
    assert "有多个关联对象" in (two.text or "") and _links(bot) == before
    wrong = await say_privately(bot, officer, "/office unlink 另一家公司")
    assert "未做任何更改" in (wrong.text or "") and _links(bot) == before

    after = emu.cursor(enterprise.chat_id)
    done = await say_privately(bot, officer, "/office unlink  某某化工有限公司 ")
    assert "不再关联 某某化工有限公司" in (done.text or ""), done.text
    assert len(_links(bot)) == 1  # the namesake's office still sees it
    notice = await emu.wait_for_message(enterprise.chat_id, after=after)
    assert "李科长" in (notice.text or "") and "不再关联本企业" in (notice.text or "")
    assert "无需解除" in ((await say_privately(bot, officer, "/office unlink")).text or "")
    assert "0 家企业" in ((await say_privately(bot, officer, "/stats")).text or "")


async def test_unused_link_codes_can_be_revoked(bot: LocalBot) -> None:
    emu = bot.emulator
    enterprise = await group_with_bot(bot)
    await enterprise.setup()
    code = await _link_code(bot, enterprise)
    officer = emu.create_user("李科长")

    assert REFUSED in (await enterprise.say(enterprise.worker, "/office revoke")).text
    revoked = await enterprise.say(enterprise.admin, "/office revoke")
    assert "已撤销" in (revoked.text or "") and "1 个" in (revoked.text or "")
    refused = await say_privately(bot, officer, f"/office link {code}")
    assert "无效" in (refused.text or "") and _links(bot) == []
    nothing = await enterprise.say(enterprise.admin, "/office revoke")
    assert "无需撤销" in (nothing.text or "")

    used = await _link_code(bot, enterprise)  # a redeemed code stays, as history
    await say_privately(bot, officer, f"/office link {used}")
    await enterprise.say(enterprise.admin, "/office revoke", expect="无需撤销")
    with bot.ctx.session() as s:
        assert [c.used_at is not None for c in s.exec(select(LinkCode)).all()] == [True]
    in_office = await say_privately(bot, officer, "/office revoke")
    assert "企业群内发送 /office revoke" in (in_office.text or "")
