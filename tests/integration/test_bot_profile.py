"""What people meet before they set anything up: the bot's descriptions, a private /start with
its "add me to your group" link, the link's /start in the new group, and /help by role."""

from __future__ import annotations

import re

import pytest
from telegram import (
    BotCommandScope,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
)

from bot.demo.harness import LocalBot
from bot.telegram.runtime import runtime_of
from tests.fakes.group import group_with_bot, say_privately

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


async def test_descriptions_are_set_in_both_languages_chinese_by_default(bot: LocalBot) -> None:
    tg = bot.app.bot
    for language, chinese in ((None, True), ("zh", True), ("en", False)):
        description = (await tg.get_my_description(language)).description
        short = (await tg.get_my_short_description(language)).short_description
        assert 0 < len(description) <= 512 and 0 < len(short) <= 120, language  # Telegram's limits
        assert bool(CJK.search(description)) == chinese and bool(CJK.search(short)) == chinese
    assert "一线安全助手" in (await tg.get_my_description()).description


async def test_a_restart_sets_the_descriptions_only_if_they_changed(bot: LocalBot) -> None:
    def sets() -> int:
        names = ("setMyDescription", "setMyShortDescription")
        return sum(1 for c in bot.emulator.calls if c.method in names and c.ok)

    assert sets() == 6  # default, zh, en
    assert bot.app.post_init is not None
    await bot.app.post_init(bot.app)  # as at the next start-up
    assert sets() == 6


@pytest.mark.parametrize("language_code", ["zh-hans", "en"])
async def test_private_start_explains_and_offers_to_join_a_group(
    bot: LocalBot, language_code: str
) -> None:
    user = bot.emulator.create_user("李经理", username="li", language_code=language_code)
    answer = await say_privately(bot, user, "/start")
    [[button]] = answer.raw["reply_markup"]["inline_keyboard"]
    username = (await bot.app.bot.get_me()).username
    assert button["url"] == f"https://t.me/{username}?startgroup=setup"
    assert "/setup" in (answer.text or "") and "/help" in (answer.text or "")
    assert bool(CJK.search((answer.text or "") + button["text"])) == (language_code == "zh-hans")


async def test_the_startgroup_link_asks_for_the_setup_in_the_new_group(bot: LocalBot) -> None:
    emu = bot.emulator
    admin = emu.create_user("张主任", username="zhang", language_code="zh-hans")
    chat = emu.create_group("新建安全群", admins=[admin])
    emu.add_bot_to_group(chat, by=admin)  # Telegram adds the bot as a member, no rights asked
    after = emu.cursor(chat["id"])
    emu.send_text(chat, admin, f"/start@{bot.app.bot.username} setup")  # then posts the payload
    prompt = await emu.wait_for_message(
        chat["id"],
        lambda m: any((cb or "").startswith("st:") for _, cb in m.buttons()),
        after=after,
    )
    assert "setup" not in (prompt.text or "")  # the payload is not taken for a sector
    member = await bot.app.bot.get_chat_member(chat["id"], bot.app.bot.id)
    assert member.status == "member"


async def test_start_in_a_set_up_group_is_help(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    answer = await group.say(group.admin, "/start setup")
    assert "/due" in (answer.text or "") and not answer.buttons()


def _sections(bot: LocalBot, text: str, locale: str) -> dict[str, set[str]]:
    """The commands /help lists under each role's heading."""
    renderer = runtime_of(bot.app.bot_data).renderer
    headings = {
        renderer.text(locale, "help/role", role=r): r for r in ("everyone", "admins", "private")
    }
    found: dict[str, set[str]] = {}
    role = None
    for line in text.splitlines():
        role = headings.get(line.strip(), role)
        if role and (m := re.match(r"^/(\w+) — ", line)):
            found.setdefault(role, set()).add(m.group(1))
    return found


async def _menu(bot: LocalBot, scope: BotCommandScope) -> set[str]:
    return {c.command for c in await bot.app.bot.get_my_commands(scope=scope)}


async def test_help_lists_every_menu_command_under_its_role_with_examples(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    text = (await group.say(group.worker, "/help")).text or ""
    lines, sections = text.splitlines(), _sections(bot, text, "zh_CN")
    workers = await _menu(bot, BotCommandScopeAllGroupChats())
    admins = await _menu(bot, BotCommandScopeAllChatAdministrators())
    assert sections["everyone"] == workers
    assert sections["admins"] == admins - workers
    assert sections["private"] == await _menu(bot, BotCommandScopeAllPrivateChats())
    assert any(
        ln.startswith("/drill — ") and ln.endswith("，例如 /drill 火灾 生产 3") for ln in lines
    )
    assert "/setup 危险化学品 某某化工有限公司" in text


async def test_private_help_in_english_puts_the_private_commands_first(bot: LocalBot) -> None:
    user = bot.emulator.create_user("Li", username="li_en", language_code="en")
    text = (await say_privately(bot, user, "/help")).text or ""
    assert not CJK.search(text)
    sections = _sections(bot, text, "en")
    assert list(sections) == ["private", "everyone", "admins"]
    assert "/drill fire production 3" in text and "/practice fire" in text
