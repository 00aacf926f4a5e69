"""Admin-only actions see the sender's rights as they are now (issue 14, item 6).

A cached admin list let a demoted admin re-register the enterprise or change its region, and
refused a newly promoted one, for ten minutes. The clock never moves in these tests: the next
command after a promotion or demotion must already see it.
"""

from __future__ import annotations

from sqlmodel import select

from bot.demo.harness import LocalBot
from bot.store.models import Enterprise
from tests.fakes.group import Group

REFUSED = "只有群管理员"


def _enterprise(bot: LocalBot, chat_id: int) -> Enterprise:
    with bot.ctx.session() as s:
        return s.exec(select(Enterprise).where(Enterprise.chat_id == chat_id)).one()


async def _registered(bot: LocalBot) -> Group:
    """A registered group whose owner is someone else, so its admin can be demoted."""
    emu = bot.emulator
    owner = emu.create_user("刘总")
    admin, worker = emu.create_user("张主任"), emu.create_user("王师傅")
    chat = emu.create_group("某某化工安全群", creator=owner, admins=[admin], members=[worker])
    after = emu.cursor(chat["id"])
    emu.add_bot_to_group(chat, by=owner)
    await emu.wait_for_message(chat["id"], after=after)  # the greeting
    group = Group(bot, chat, admin, worker)
    await group.setup()
    await group.say(group.admin, "/region hubei", expect="湖北")  # an admin: accepted, cached
    return group


async def test_a_demoted_admin_is_refused_at_once(bot: LocalBot) -> None:
    group = await _registered(bot)
    bot.emulator.set_admin(group.chat, group.admin, False)

    refused = await group.say(group.admin, "/setup 商贸 改名商贸公司")
    assert REFUSED in (refused.text or "")
    refused = await group.say(group.admin, "/region shanxi")
    assert REFUSED in (refused.text or "")
    enterprise = _enterprise(bot, group.chat_id)
    assert (enterprise.name, enterprise.region) == ("某某化工有限公司", "hubei")


async def test_a_newly_promoted_admin_is_accepted_at_once(bot: LocalBot) -> None:
    group = await _registered(bot)
    refused = await group.say(group.worker, "/region shanxi")
    assert REFUSED in (refused.text or "")
    assert _enterprise(bot, group.chat_id).region == "hubei"

    bot.emulator.set_admin(group.chat, group.worker, True)
    accepted = await group.say(group.worker, "/region shanxi")
    assert REFUSED not in (accepted.text or "")
    assert _enterprise(bot, group.chat_id).region != "hubei"  # Shanxi's profile now
    await group.say(group.worker, "/setup 危险化学品 某某化工集团", expect="更新")
    assert _enterprise(bot, group.chat_id).name == "某某化工集团"
