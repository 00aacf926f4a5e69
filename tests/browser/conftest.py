"""Browser tests of the desk: headless Chromium (Debian's ``chromium`` + ``chromium-driver``)
driven by Selenium against the bot's own web server on loopback, with the bot on the Telegram
emulator (``desk``). Skipped, with the reason, only where Chromium or its driver is missing.

The bot runs in the test's event loop; every Selenium call blocks, so ``Browser`` runs each in
a worker thread (``await browser.open(url)``) and the server keeps answering meanwhile. One
Chromium serves the whole session; each test starts with no cookies.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from bot.clock import FakeClock
from tests.fakes.desk import DeskBot, desk_bot

T = TypeVar("T")
WAIT_SECONDS = 10  # an upper bound for a page to arrive, not a pause


def _binary(*names: str) -> str | None:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return None


CHROMIUM = os.environ.get("CHROMIUM") or _binary("chromium", "chromium-browser", "google-chrome")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER") or _binary("chromedriver")


@pytest.fixture(scope="session")
def chrome() -> Iterator[Any]:
    """One headless Chromium for the session (the local binaries; nothing is downloaded)."""
    if CHROMIUM is None or CHROMEDRIVER is None:
        pytest.skip(
            "headless Chromium not installed (needs `chromium` and `chromium-driver`: "
            "apt-get install -y chromium chromium-driver; .ci/run does this)"
        )
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium not installed")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root in a container
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,900",
        "--lang=zh-CN",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(WAIT_SECONDS * 3)
    try:
        yield driver
    finally:
        driver.quit()


class Browser:
    """Async face of the shared Chromium: each call runs in a thread so the bot can answer."""

    def __init__(self, driver: Any) -> None:
        self.driver = driver

    async def _run(self, call: Callable[..., T], *args: Any) -> T:
        return await asyncio.to_thread(call, *args)

    async def open(self, url: str) -> None:
        await self._run(self.driver.get, url)

    async def wait_for(self, css: str) -> Any:
        """The element matching ``css`` once the page shows it (fails after WAIT_SECONDS)."""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as ec
        from selenium.webdriver.support.ui import WebDriverWait

        wait = WebDriverWait(self.driver, WAIT_SECONDS)
        return await self._run(wait.until, ec.presence_of_element_located((By.CSS_SELECTOR, css)))

    async def click(self, css: str) -> None:
        element = await self.wait_for(css)
        await self._run(element.click)

    async def text(self, css: str = "body") -> str:
        element = await self.wait_for(css)
        return str(await self._run(lambda: element.text))

    async def attribute(self, css: str, name: str) -> str | None:
        element = await self.wait_for(css)
        value = await self._run(element.get_attribute, name)
        return None if value is None else str(value)

    async def url(self) -> str:
        return str(await self._run(lambda: self.driver.current_url))

    async def cookie(self, name: str) -> dict[str, Any] | None:
        found = await self._run(self.driver.get_cookie, name)
        return dict(found) if found else None

    async def screenshot(self, path: Path) -> None:
        """Save what the browser shows (for looking at a page while writing a test)."""
        await self._run(self.driver.save_screenshot, str(path))

    async def resize(self, width: int, height: int) -> None:
        await self._run(self.driver.set_window_size, width, height)


@pytest.fixture
async def browser(chrome: Any) -> AsyncIterator[Browser]:
    # Every site's cookies (delete_all_cookies clears only the current page's site).
    await asyncio.to_thread(chrome.execute_cdp_cmd, "Network.clearBrowserCookies", {})
    await asyncio.to_thread(chrome.set_window_size, 1280, 900)
    yield Browser(chrome)
    await asyncio.to_thread(chrome.get, "about:blank")


@pytest.fixture
async def desk(tmp_path: Path, clock: FakeClock) -> AsyncIterator[DeskBot]:
    """The bot and its web server (SQLite: browser tests check pages, not the database)."""
    async with desk_bot(database_url=f"sqlite:///{tmp_path}/bot.db", clock=clock) as running:
        yield running
