"""In a real browser: the login link from ``/web`` opens the desk, logging out ends it, and the
used link is refused."""

from __future__ import annotations

from tests.browser.conftest import Browser
from tests.fakes.desk import DeskBot, office_linked_to, web_link
from tests.fakes.group import group_with_bot


async def test_login_link_opens_the_desk_logout_ends_it_and_the_link_is_spent(
    desk: DeskBot, browser: Browser
) -> None:
    bot = desk.bot
    group = await group_with_bot(bot)
    await group.setup()
    officer = bot.emulator.create_user("李科长", username="li_office")
    await office_linked_to(bot, officer, group)
    link, _ = await web_link(bot, officer)

    await browser.open(link)
    await browser.wait_for("#logout")  # the login page moved on to the desk by itself
    assert (await browser.url()) == f"{desk.base}/desk/"
    assert "李科长" in await browser.text("header")
    cookie = await browser.cookie("desk_session")
    assert cookie is not None and cookie["httpOnly"] and cookie["sameSite"] == "Strict"

    await browser.click("#logout")
    assert "您已退出登录" in await browser.text("#login-help")
    assert (await browser.url()).endswith("/desk/login?why=logged_out")
    assert await browser.cookie("desk_session") is None

    await browser.open(f"{desk.base}/desk/")
    assert "/web" in await browser.text("#login-help"), "logged out: the desk asks to log in"

    await browser.open(link)
    assert await browser.attribute("#error", "data-status") == "410"
    assert "该登录链接已被使用" in await browser.text("#error")
    assert await browser.cookie("desk_session") is None
