"""The desk's login without passwords, end to end: ``/web`` through the emulator, the link
opened over HTTP against the bot's own web server, sessions listed and revoked, logout, and
every refusal (tampered, expired, reused link; forged cookie; CSRF) changing nothing."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator

import aiohttp
import pytest
from sqlmodel import col, delete, func, select
from yarl import URL

from bot.clock import FakeClock
from bot.demo.harness import LocalBot
from bot.store.desk_models import DeskLogin, DeskSession
from bot.store.models import Enterprise
from bot.store.office_models import OfficeLink
from tests.fakes.desk import DeskBot, desk_bot, office_linked_to, web_link
from tests.fakes.group import Group, group_with_bot, say_privately

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture
async def desk(database_url: str, clock: FakeClock) -> AsyncIterator[DeskBot]:
    async with desk_bot(database_url=database_url, clock=clock) as running:
        yield running


async def _office(desk: DeskBot) -> tuple[Group, dict[str, object]]:
    group = await group_with_bot(desk.bot)
    await group.setup()
    officer = desk.bot.emulator.create_user("李科长", username="li_office")
    await office_linked_to(desk.bot, officer, group)
    return group, officer


def _count(bot: LocalBot, model: type[DeskSession] | type[DeskLogin]) -> int:
    with bot.ctx.session() as s:
        return s.exec(select(func.count()).select_from(model)).one()


async def _open(http: aiohttp.ClientSession, url: str) -> tuple[int, str]:
    async with http.get(url, allow_redirects=False) as r:
        return r.status, await r.text()


async def _login(desk: DeskBot, http: aiohttp.ClientSession, user: dict[str, object]) -> str:
    """Log ``http`` in as ``user``; returns the session's CSRF token from the sessions page."""
    link, _ = await web_link(desk.bot, user)
    assert (await _open(http, link))[0] == 200
    status, page = await _open(http, f"{desk.base}/desk/sessions")
    assert status == 200, page
    found = CSRF.search(page)
    assert found
    return found.group(1)


async def test_office_member_gets_a_private_link_that_logs_in_once(desk: DeskBot) -> None:
    _, officer = await _office(desk)
    link, message = await web_link(desk.bot, officer)
    assert link.startswith(desk.base + "/desk/login?t=")
    assert "只能使用一次" in (message.text or "") and "请勿转发" in (message.text or "")
    async with desk.client() as http:
        async with http.get(link, allow_redirects=False) as r:
            assert r.status == 200
            cookie = r.headers["Set-Cookie"]
            assert "desk_session=" in cookie and "HttpOnly" in cookie
            assert "SameSite=Strict" in cookie and "Path=/desk/" in cookie
            assert "Secure" not in cookie  # plain http on loopback; https turns it on
            assert 'http-equiv="refresh" content="0; url=/desk/"' in await r.text()
            assert r.headers["Referrer-Policy"] == "no-referrer"
        status, home = await _open(http, f"{desk.base}/desk/")
        assert status == 200 and "李科长" in home and "退出登录" in home

        again = await _open(http, link)
    assert again[0] == 410 and "该登录链接已被使用" in again[1]
    assert _count(desk.bot, DeskSession) == 1


async def test_reused_link_in_another_browser_gets_no_session(desk: DeskBot) -> None:
    _, officer = await _office(desk)
    link, _ = await web_link(desk.bot, officer)
    async with desk.client() as first, desk.client() as second:
        assert (await _open(first, link))[0] == 200
        assert (await _open(second, link))[0] == 410
        status, _ = await _open(second, f"{desk.base}/desk/")
    assert status == 302, "the second browser is not logged in"


async def test_tampered_and_expired_links_are_refused_and_open_nothing(
    desk: DeskBot, clock: FakeClock
) -> None:
    _, officer = await _office(desk)
    link, _ = await web_link(desk.bot, officer)
    tampered = link[:-1] + ("A" if link[-1] != "A" else "B")
    other_id = link.replace("?t=1.", "?t=2.") if "?t=1." in link else link + "x"
    async with desk.client() as http:
        for bad in (tampered, other_id, f"{desk.base}/desk/login?t=garbage"):
            status, page = await _open(http, bad)
            assert status == 400 and "该登录链接无效" in page, bad
        clock.advance(dt.timedelta(minutes=10, seconds=1))
        status, page = await _open(http, link)
        assert status == 410 and "该登录链接已过期" in page
        assert token_free(page, link)
    assert _count(desk.bot, DeskSession) == 0
    with desk.bot.ctx.session() as s:
        assert s.exec(select(DeskLogin)).one().used_at is None


def token_free(page: str, link: str) -> bool:
    """The error page repeats nothing of the link (not even in its language switch)."""
    return link.split("?t=")[1].split(".")[1] not in page


async def test_enterprise_admin_gets_a_link_for_their_enterprise_and_workers_do_not(
    desk: DeskBot,
) -> None:
    bot = desk.bot
    group = await group_with_bot(bot)
    await group.setup()
    await say_privately(bot, group.admin, "/start")
    after = bot.emulator.cursor(group.chat_id)
    link, _ = await web_link(bot, group.admin, group.chat)
    notice = (await bot.emulator.wait_for_message(group.chat_id, after=after)).text or ""
    assert "私信" in notice and "/desk/login" not in notice
    async with desk.client() as http:
        assert (await _open(http, link))[0] == 200
        status, page = await _open(http, f"{desk.base}/desk/sessions")
    assert status == 200 and 'class="desk-name">某某化工有限公司<' in page

    refused = await group.say(group.worker, "/web")
    assert "管理员" in (refused.text or "") and "/desk/login" not in (refused.text or "")
    assert _count(bot, DeskLogin) == 1


async def test_web_elsewhere_and_without_a_base_url_says_what_to_do(desk: DeskBot) -> None:
    stranger = desk.bot.emulator.create_user("路人")
    answer = await say_privately(desk.bot, stranger, "/web")
    assert "办公室" in (answer.text or "") and "/desk/login" not in (answer.text or "")
    desk.bot.ctx.settings.desk_base_url = None
    _, officer = await _office(desk)
    answer = await say_privately(desk.bot, officer, "/web")
    assert "DESK_BASE_URL" in (answer.text or "")
    assert _count(desk.bot, DeskLogin) == 0


async def test_forged_or_missing_cookie_goes_to_the_login_page(desk: DeskBot) -> None:
    async with aiohttp.ClientSession(cookies={"desk_session": "forged-value"}) as http:
        async with http.get(f"{desk.base}/desk/sessions", allow_redirects=False) as r:
            assert r.status == 302 and r.headers["Location"] == "/desk/login?why=ended"
            assert "desk_session=" in r.headers["Set-Cookie"]  # the bad cookie is dropped
        async with http.get(f"{desk.base}/desk/login?why=ended") as r:
            page = await r.text()
    assert "您的会话已结束或无效" in page and "/web" in page
    async with desk.client() as http:
        status, _ = await _open(http, f"{desk.base}/desk/")
        assert status == 302
        status, page = await _open(http, f"{desk.base}/desk/no-such-page")
    assert status == 404 and "未找到" in page


async def test_sessions_are_listed_and_revoked_only_with_the_csrf_token(desk: DeskBot) -> None:
    _, officer = await _office(desk)
    async with desk.client() as laptop, desk.client() as phone:
        csrf = await _login(desk, laptop, officer)
        await _login(desk, phone, officer)
        with desk.bot.ctx.session() as s:
            phone_id = max(s.exec(select(DeskSession.id)).all(), key=lambda i: i or 0)
        page = (await _open(laptop, f"{desk.base}/desk/sessions"))[1]
        assert page.count('class="session') == 2 and "本浏览器" in page

        revoke = f"{desk.base}/desk/sessions/{phone_id}/revoke"
        for form in ({}, {"csrf": "wrong"}):
            async with laptop.post(revoke, data=form, allow_redirects=False) as r:
                assert r.status == 403 and "表单已失效" in await r.text()
        assert (await _open(phone, f"{desk.base}/desk/"))[0] == 200, "nothing changed"

        async with laptop.post(revoke, data={"csrf": csrf}, allow_redirects=False) as r:
            assert r.status == 303 and r.headers["Location"] == "/desk/sessions"
        assert (await _open(phone, f"{desk.base}/desk/"))[0] == 302, "the phone is logged out"
        async with laptop.post(revoke, data={"csrf": csrf}, allow_redirects=False) as r:
            assert r.status == 404  # already ended
        assert (await _open(laptop, f"{desk.base}/desk/"))[0] == 200


async def test_someone_elses_session_cannot_be_revoked(desk: DeskBot) -> None:
    group, officer = await _office(desk)
    await say_privately(desk.bot, group.admin, "/start")
    admin_link, _ = await web_link(desk.bot, group.admin, group.chat)
    async with desk.client() as mine, desk.client() as theirs:
        csrf = await _login(desk, mine, officer)
        assert (await _open(theirs, admin_link))[0] == 200
        with desk.bot.ctx.session() as s:
            admin_session = s.exec(
                select(DeskSession).where(DeskSession.user_id == group.admin["id"])
            ).one()
        url = f"{desk.base}/desk/sessions/{admin_session.id}/revoke"
        async with mine.post(url, data={"csrf": csrf}, allow_redirects=False) as r:
            assert r.status == 404
        assert (await _open(theirs, f"{desk.base}/desk/"))[0] == 200


async def test_logout_ends_the_session_for_good(desk: DeskBot) -> None:
    _, officer = await _office(desk)
    async with desk.client() as http:
        csrf = await _login(desk, http, officer)
        token = http.cookie_jar.filter_cookies(URL(desk.base + "/desk/"))["desk_session"].value
        async with http.post(f"{desk.base}/desk/logout", allow_redirects=False) as r:
            assert r.status == 403  # no CSRF token: still logged in
        async with http.post(
            f"{desk.base}/desk/logout", data={"csrf": csrf}, allow_redirects=False
        ) as r:
            assert r.status == 303 and r.headers["Location"] == "/desk/login?why=logged_out"
        page = (await _open(http, f"{desk.base}/desk/login?why=logged_out"))[1]
        assert "您已退出登录" in page
    replay = aiohttp.ClientSession(cookies={"desk_session": token})
    async with replay, replay.get(f"{desk.base}/desk/", allow_redirects=False) as r:
        assert r.status == 302, "the old cookie opens nothing"


async def test_another_offices_enterprise_is_not_found_and_unlinking_applies_at_once(
    desk: DeskBot,
) -> None:
    group, officer = await _office(desk)
    other = await _second_group(desk)
    with desk.bot.ctx.session() as s:
        ids = {e.chat_id: e.id for e in s.exec(select(Enterprise)).all()}
    mine, foreign = ids[group.chat_id], ids[other.chat_id]
    async with desk.client() as http:
        await _login(desk, http, officer)
        assert (await _open(http, f"{desk.base}/desk/enterprise/{mine}"))[0] == 200
        status, page = await _open(http, f"{desk.base}/desk/enterprise/{foreign}")
        assert status == 404 and "某某建设集团" not in page and "未找到" in page
        unknown = await _open(http, f"{desk.base}/desk/enterprise/999999")
        assert unknown[0] == 404 and _main(unknown[1]) == _main(page), "the same answer"
        with desk.bot.ctx.session() as s:
            s.exec(delete(OfficeLink))  # type: ignore[call-overload]
            s.commit()
        assert (await _open(http, f"{desk.base}/desk/enterprise/{mine}"))[0] == 404


def _main(page: str) -> str:
    return page[page.index("<main") : page.index("</main>")]


async def _second_group(desk: DeskBot) -> Group:
    emu = desk.bot.emulator
    admin = emu.create_user("陈经理", username="chen")
    worker = emu.create_user("赵师傅", username="zhao")
    chat = emu.create_group("某某建设安全群", admins=[admin], members=[worker])
    after = emu.cursor(chat["id"])
    emu.add_bot_to_group(chat, by=admin)
    await emu.wait_for_message(chat["id"], after=after)
    group = Group(desk.bot, chat, admin, worker)
    await group.setup("建筑施工", "某某建设集团")
    return group


async def test_language_switch_sticks_to_the_session(desk: DeskBot) -> None:
    _, officer = await _office(desk)
    async with desk.client() as http:
        await _login(desk, http, officer)
        assert "Log out" in (await _open(http, f"{desk.base}/desk/?lang=en"))[1]
        assert "Log out" in (await _open(http, f"{desk.base}/desk/sessions"))[1]
    with desk.bot.ctx.session() as s:
        assert s.exec(select(DeskSession.locale).where(col(DeskSession.id) > 0)).one() == "en"
