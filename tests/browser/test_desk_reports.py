"""In a real browser: the reports page downloads the period's workbook into Chrome's download
directory, and the 通报 prints on A4 with each section on a page of its own and no navigation."""

from __future__ import annotations

import asyncio
import base64
import io
from pathlib import Path
from typing import Any

import openpyxl

from tests.browser.conftest import WAIT_SECONDS, Browser
from tests.fakes.desk import DeskBot, office_linked_to, web_link
from tests.fakes.group import group_with_bot


def _downloaded(folder: Path, name: str) -> Any:
    """A condition for WebDriverWait: the file is complete (Chrome renames it when done)."""
    return lambda _driver: (folder / name).is_file() and not list(folder.glob("*.crdownload"))


async def test_office_downloads_the_quarter_workbook_and_prints_the_bulletin(
    desk: DeskBot, browser: Browser, tmp_path: Path
) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    bot = desk.bot
    group = await group_with_bot(bot)
    await group.setup()
    officer = bot.emulator.create_user("李科长", username="li_office")
    await office_linked_to(bot, officer, group)
    link, _ = await web_link(bot, officer)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    driver = browser.driver
    await asyncio.to_thread(driver.execute_cdp_cmd, "Browser.setDownloadBehavior",
                            {"behavior": "allow", "downloadPath": str(downloads)})  # fmt: skip

    await browser.open(link)
    await browser.wait_for("#logout")
    await browser.click('nav a[href="/desk/reports"]')
    assert await browser.attribute("#reports", "data-period") == "2026-12", "this month first"
    await browser.click('#quick-periods a[href*="period=2026-Q4"]')
    assert "2026年第四季度" in await browser.text("#report-period h2")

    await browser.click("#download-workbook")
    wait = WebDriverWait(driver, WAIT_SECONDS)
    await asyncio.to_thread(wait.until, _downloaded(downloads, "safety-report-2026-Q4.xlsx"))
    data = (downloads / "safety-report-2026-Q4.xlsx").read_bytes()
    summary = openpyxl.load_workbook(io.BytesIO(data))["汇总"]
    assert summary["B2"].value == "2026年第四季度（2026-10-01至2026-12-31）"
    assert summary["B3"].value == "李科长"

    await browser.click("#open-bulletin")
    assert "关于2026年第四季度安全生产工作清单落实情况的通报" in await browser.text("#bulletin h1")
    pdf = await asyncio.to_thread(driver.execute_cdp_cmd, "Page.printToPDF",
                                  {"preferCSSPageSize": True})  # fmt: skip
    printed = base64.b64decode(pdf["data"])
    pages = printed.count(b"/Type /Page") - printed.count(b"/Type /Pages")
    assert pages >= 4, "overall, ranking, supervision and hazards each start a page"
    await asyncio.to_thread(driver.execute_cdp_cmd, "Emulation.setEmulatedMedia",
                            {"media": "print"})  # fmt: skip
    try:
        header = await browser.wait_for("header.top")
        tools = await browser.wait_for("#bulletin-tools")
        shown = await asyncio.to_thread(lambda: (header.is_displayed(), tools.is_displayed()))
        assert shown == (False, False), "no navigation and no links on paper"
    finally:
        await asyncio.to_thread(driver.execute_cdp_cmd, "Emulation.setEmulatedMedia",
                                {"media": ""})  # fmt: skip
