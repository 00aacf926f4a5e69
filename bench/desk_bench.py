"""How fast do the office's desk pages load for an office of 200 enterprises?

Builds the same database as ``bench/stats_bench.py`` (1,000 enterprises with a year of
occurrences, 1,000,000 confirmations, 200 of them linked to one office) on SQLite, starts the
bot on the Telegram emulator with its web server on loopback, logs in through a one-time link
as the office, and times whole HTTP requests (handler, queries, rendering) of each page:
the overview, the 督办 list, an enterprise page, the workbook download and the printable
通报. Medians and maxima of ``runs`` requests each, after one warming request.

    python -m bench.desk_bench [--enterprises 1000] [--confirmations 1000000] [--office 200]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from typing import Any

import aiohttp

from bench.stats_bench import NOW, build
from bot.clock import FakeClock
from bot.demo.harness import local_bot
from bot.services.desk.login import desk_key, issue_link
from bot.store.db import make_engine
from bot.web.server import WebServer

PAGES = {
    "overview": "/desk/?period=2026-11",
    "supervision": "/desk/supervision?period=2026-11",
    "enterprise": "/desk/enterprise/{first}?period=2026-11",
    "workbook": "/desk/reports/workbook?period=2026-Q4",
    "bulletin": "/desk/reports/bulletin?period=2026-Q4",
}


async def _time_pages(url: str, runs: int) -> dict[str, Any]:
    clock = FakeClock(NOW)
    async with local_bot(database_url=url, clock=clock) as bot:
        server = WebServer(bot.app, bot.metrics, host="127.0.0.1", port=0)
        port = await server.start()
        base = f"http://127.0.0.1:{port}"
        bot.ctx.settings.desk_base_url = base
        try:
            with bot.ctx.session() as session:
                key = desk_key(session, bot.ctx.settings.desk_secret, now=clock.now())
                link = issue_link(
                    session, key=key, base_url=base, user_id=1, user_name="bench",
                    office_id=1, enterprise_id=None, locale="zh_CN", now=clock.now(),
                )  # fmt: skip
            jar = aiohttp.CookieJar(unsafe=True)
            figures: dict[str, Any] = {}
            async with aiohttp.ClientSession(cookie_jar=jar) as browser:
                async with browser.get(link) as answer:
                    assert answer.status == 200, answer.status
                for name, path in PAGES.items():
                    target = base + path.format(first=1)
                    seconds = []
                    for _ in range(runs + 1):
                        started = time.perf_counter()
                        async with browser.get(target) as page:
                            body = await page.read()
                            assert page.status == 200, (name, page.status)
                        seconds.append(time.perf_counter() - started)
                    seconds = sorted(seconds[1:])
                    figures[f"{name}_median_ms"] = statistics.median(seconds) * 1000
                    figures[f"{name}_max_ms"] = seconds[-1] * 1000
                    figures[f"{name}_kb"] = len(body) / 1024
            return figures
        finally:
            await server.stop()


def run(
    url: str, *, enterprises: int = 1000, confirmations: int = 1_000_000, office: int = 200,
    runs: int = 5,
) -> dict[str, Any]:  # fmt: skip
    """Build the database at ``url`` and time each desk page; returns the figures."""
    engine = make_engine(url)
    started = time.perf_counter()
    build(engine, enterprises, confirmations, office)
    engine.dispose()
    figures = {"build_s": time.perf_counter() - started}
    figures |= asyncio.run(_time_pages(url, runs))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=1000)
    parser.add_argument("--confirmations", type=int, default=1_000_000)
    parser.add_argument("--office", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="safetybot-desk-") as tmp:
        figures = run(
            f"sqlite:///{tmp}/desk.db", enterprises=args.enterprises,
            confirmations=args.confirmations, office=args.office, runs=args.runs,
        )  # fmt: skip
    print(f"desk pages, SQLite: {args.enterprises:,} enterprises, "
          f"{args.confirmations:,} confirmations, office of {args.office}")  # fmt: skip
    for name, value in figures.items():
        print(f"  {name}: {value:,.1f}")


if __name__ == "__main__":
    main()
