"""In a real browser: the login link opens the overview of the office's linked enterprises
(an unlinked one is not there), a click opens an enterprise's page, an unlinked enterprise's
address is a 404 page, and the overview fits a phone's screen.

Set ``DESK_SCREENSHOTS=<dir>`` to keep screenshots of the pages (desktop and phone).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from pathlib import Path

from sqlmodel import col, select

from bot.demo.harness import LocalBot
from bot.store.hazard_models import Hazard
from bot.store.models import Confirmation, Enterprise, OccurrenceRow
from tests.browser.conftest import Browser
from tests.conftest import local
from tests.fakes.desk import DeskBot, office_linked_to, web_link
from tests.fakes.group import Group

NOW = local(2026, 12, 10, 15, 0)
SHOTS = os.environ.get("DESK_SCREENSHOTS")


async def _group(bot: LocalBot, n: int, sector: str, name: str) -> Group:
    emu = bot.emulator
    admin = emu.create_user(f"管理员{n}", username=f"admin{n}")
    worker = emu.create_user(f"师傅{n}", username=f"worker{n}")
    chat = emu.create_group(f"{name}安全群", admins=[admin], members=[worker])
    after = emu.cursor(chat["id"])
    emu.add_bot_to_group(chat, by=admin)
    await emu.wait_for_message(chat["id"], after=after)
    group = Group(bot, chat, admin, worker)
    await group.setup(sector, name)
    return group


def _history(bot: LocalBot, names: list[str]) -> dict[str, int]:
    """The first enterprise did every duty due by now, the second only a third of them, and
    has a major hazard; returns the enterprises' ids by name."""
    with bot.ctx.session() as s:
        ids = {e.name: e.id or 0 for e in s.exec(select(Enterprise)).all()}
        for rank, name in enumerate(names):
            due = s.exec(
                select(OccurrenceRow).where(
                    OccurrenceRow.enterprise_id == ids[name], col(OccurrenceRow.due_at) < NOW
                )
            ).all()
            for i, occ in enumerate(due):
                if rank == 0 or i % 3 == 0:
                    occ.status, occ.done_at = "done", occ.due_at - dt.timedelta(hours=3)
                    s.add(Confirmation(occurrence_id=occ.id or 0, enterprise_id=ids[name],
                                       user_id=1, user_name="王师傅", confirmed_at=occ.done_at))  # fmt: skip
                    s.add(occ)
        s.add(Hazard(enterprise_id=ids[names[1]], number=1, reported_by=2, reporter_name="赵师傅",
                     description="配电箱门锁损坏，线路裸露", location="二号车间",
                     reported_at=local(2026, 12, 8), status="planned", grade="major",
                     deadline=dt.date(2026, 12, 9), responsible_name="陈经理"))  # fmt: skip
        s.commit()
    return ids


async def _shot(browser: Browser, name: str) -> None:
    if SHOTS:
        await asyncio.to_thread(Path(SHOTS).mkdir, parents=True, exist_ok=True)
        await browser.screenshot(Path(SHOTS) / f"{name}.png")


async def test_overview_shows_linked_enterprises_and_opens_one(
    desk: DeskBot, browser: Browser
) -> None:
    bot = desk.bot
    linked = [await _group(bot, 1, "危险化学品", "甲化工有限公司"),
              await _group(bot, 2, "建筑施工", "乙建设集团")]  # fmt: skip
    await _group(bot, 3, "商贸", "丙商贸公司")
    officer = bot.emulator.create_user("李科长", username="li_office")
    await office_linked_to(bot, officer, *linked)
    bot.clock.set(NOW)
    await bot.tick()  # materializes up to now (what is due shows as overdue or done)
    ids = _history(bot, ["甲化工有限公司", "乙建设集团"])
    link, _ = await web_link(bot, officer)

    await browser.open(link)
    await browser.wait_for("#ranking")
    ranking = await browser.text("#ranking")
    assert ranking.index("甲化工有限公司") < ranking.index("乙建设集团")  # best first
    assert "丙商贸公司" not in await browser.text()
    assert "重大1项" in await browser.text("#figures")
    assert await browser.attribute("#charts svg.donut", "role") == "img"
    await _shot(browser, "overview")

    await browser.click(f'tr[data-enterprise="{ids["乙建设集团"]}"] a')
    assert await browser.text("#enterprise-name") == "乙建设集团"
    timeline = await browser.text("#timeline")
    assert "配电箱门锁损坏" in timeline and "逾期" in timeline and "进行中" not in timeline
    await _shot(browser, "enterprise")

    await browser.open(f"{desk.base}/desk/enterprise/{ids['丙商贸公司']}")
    assert await browser.attribute("#error", "data-status") == "404"
    assert "丙商贸公司" not in await browser.text()

    await browser.resize(390, 844)  # a phone
    await browser.open(f"{desk.base}/desk/")
    await browser.wait_for("#ranking")
    overflow = await asyncio.to_thread(
        browser.driver.execute_script,
        "return document.documentElement.scrollWidth - window.innerWidth",
    )
    assert overflow <= 0, "the overview is wider than a phone's screen"
    await _shot(browser, "overview-phone")
