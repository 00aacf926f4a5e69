"""Formal reports on the desk (issue 21): the workbook download, the printable 通报, bad periods.

The bot runs on the emulator with its web server on loopback; the office logs in with the link
``/web`` sends, as a person would, and downloads over HTTP.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import openpyxl
import pytest
from sqlmodel import select

from bot.clock import FakeClock
from bot.demo.harness import LocalBot
from bot.reports.sheets import HEADER_ROW
from bot.services.desk.filters import set_attributes
from bot.store.models import Enterprise
from tests.fakes.desk import DeskBot, desk_bot, office_linked_to, web_link
from tests.fakes.group import Group

JSON = dict[str, Any]
FORMULA = '=HYPERLINK("http://x","点此")'
SHEET = '主管·=HYPERLINK("http___x","点此")'  # the tab: Excel allows no / or : in sheet names


@pytest.fixture
async def desk(database_url: str, clock: FakeClock) -> AsyncIterator[DeskBot]:
    async with desk_bot(database_url=database_url, clock=clock) as running:
        yield running


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


def _id(bot: LocalBot, group: Group) -> int:
    with bot.ctx.session() as s:
        found = s.exec(select(Enterprise.id).where(Enterprise.chat_id == group.chat_id)).one()
    assert found is not None
    return found


async def _office(desk: DeskBot) -> tuple[list[Group], JSON]:
    """李科长's office oversees 甲 (城关镇, an authority typed like a formula) and 乙 (nothing
    set); 丙 exists and is not linked."""
    bot = desk.bot
    linked = [await _group(bot, 1, "危险化学品", "甲化工有限公司"),
              await _group(bot, 2, "建筑施工", "乙建设集团")]  # fmt: skip
    await _group(bot, 3, "商贸", "丙商贸公司")
    officer = bot.emulator.create_user("李科长", username="li_office")
    await office_linked_to(bot, officer, *linked)
    with bot.ctx.session() as s:
        set_attributes(s, _id(bot, linked[0]), township="城关镇", authority=FORMULA)
    return linked, officer


async def _get(http: aiohttp.ClientSession, url: str) -> tuple[int, str]:
    async with http.get(url, allow_redirects=False) as r:
        return r.status, await r.text()


async def _login(
    desk: DeskBot, http: aiohttp.ClientSession, user: JSON, chat: JSON | None = None
) -> None:
    link, _ = await web_link(desk.bot, user, chat)
    assert (await _get(http, link))[0] == 200


def _cells(wb: openpyxl.Workbook) -> list[Any]:
    return [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row]


async def test_workbook_download_has_the_formal_rows_and_only_linked_enterprises(
    desk: DeskBot,
) -> None:
    _, officer = await _office(desk)
    url = f"{desk.base}/desk/reports/workbook?period=2026-Q4&by=township&by=authority"
    async with desk.client() as http:
        await _login(desk, http, officer)
        async with http.get(url, allow_redirects=False) as r:
            assert r.status == 200
            assert r.content_type.endswith("spreadsheetml.sheet")
            assert r.headers["Content-Disposition"] == (
                'attachment; filename="safety-report-2026-Q4.xlsx"'
            )
            body = await r.read()
    wb = openpyxl.load_workbook(io.BytesIO(body))
    assert wb.sheetnames == ["汇总", "明细", "逾期", "考试", "持证台账", "培训台账", "隐患台账",
                             "乡镇·城关镇", "乡镇·未填写", SHEET, "主管·未填写"]  # fmt: skip
    for ws in wb.worksheets:
        assert [ws[f"A{row}"].value for row in (2, 3, 4)] == ["统计期间", "填报单位", "填报日期"]
        assert ws["B2"].value == "2026年第四季度（2026-10-01至2026-12-31）", ws.title
        assert ws["B3"].value == "李科长", "the office's name"
        assert ws["B4"].value == dt.datetime(2026, 12, 1), "today in the office's timezone"
    summary = wb["汇总"]
    assert summary["A1"].value == "安全生产工作情况报表（汇总）"
    names = [
        summary.cell(row=r, column=2).value for r in range(HEADER_ROW + 1, summary.max_row + 1)
    ]
    assert sorted(names[:-1]) == ["乙建设集团", "甲化工有限公司"] and names[-1] == "合计"
    town = wb["乡镇·城关镇"]
    assert town["A1"].value == "安全生产工作情况报表（乡镇/街道：城关镇）"
    assert town.cell(row=HEADER_ROW + 1, column=2).value == "甲化工有限公司"
    assert wb["乡镇·未填写"].cell(row=HEADER_ROW + 1, column=2).value == "乙建设集团"
    authority = wb[SHEET]
    assert authority["A1"].quotePrefix is False  # the title starts with words, not the text
    typed = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value == FORMULA]
    assert typed and all(c.data_type == "s" and c.quotePrefix for c in typed), "never a formula"
    assert not [
        c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"
    ]
    assert not any("丙商贸公司" in str(v) for v in _cells(wb)), "another office's enterprise"


async def test_bad_periods_and_groupings_are_a_400_page_naming_the_shapes(desk: DeskBot) -> None:
    _, officer = await _office(desk)
    base = f"{desk.base}/desk/reports"
    async with desk.client() as http:
        await _login(desk, http, officer)
        for path in ("", "/workbook", "/bulletin"):
            for period in ("2026-13", "2026-Q5", "", "1066", "2026-11-01", "<script>"):
                status, page = await _get(http, f"{base}{path}?period={period}")
                assert status == 400, (path, period)
                assert "2026-Q4" in page and "2026-H2" in page and "（季度" in page
                assert "<script>" not in page, "the value given is not echoed"
        status, page = await _get(http, f"{base}?by=everything")
        assert status == 400
        status, page = await _get(http, f"{base}/workbook?period=2026-13&lang=en")
        assert status == 400 and "(a half-year, H1 or H2)" in page
        status, page = await _get(http, base)
        assert status == 200 and 'data-period="2026-12"' in page, "the current month by default"
    async with aiohttp.ClientSession() as anonymous:
        status, _ = await _get(anonymous, f"{base}/workbook?period=2026-Q4")
        assert status == 302, "no session, no workbook"


async def test_bulletin_prints_each_section_on_a_page_for_the_linked_enterprises(
    desk: DeskBot,
) -> None:
    (first, _second), officer = await _office(desk)
    base = f"{desk.base}/desk/reports/bulletin"
    async with desk.client() as http:
        await _login(desk, http, officer)
        status, page = await _get(http, f"{base}?period=2026-H2")
        assert status == 200
        assert "关于2026年下半年安全生产工作清单落实情况的通报" in page
        assert "甲化工有限公司" in page and "乙建设集团" in page and "丙商贸公司" not in page
        assert "一、总体情况" in page and "二、完成率排名" in page
        assert 'id="townships"' in page and "城关镇" in page and "未填写" in page
        assert "@page { size: A4" in page and "break-before: page" in page
        assert 'class="no-print' in page
        assert FORMULA.replace('"', "&#34;") in page, "people's text is escaped"
        status, english = await _get(http, f"{base}?period=2026&lang=en")
        assert status == 200 and "Bulletin on the work safety lists: Year 2026" in english

        # An enterprise admin's desk reports on the enterprise alone, in its name.
    async with desk.client() as http:
        await _login(desk, http, first.admin, first.chat)
        async with http.get(f"{desk.base}/desk/reports/workbook?period=2026-12") as r:
            assert r.status == 200
            wb = openpyxl.load_workbook(io.BytesIO(await r.read()))
        assert wb["汇总"]["B3"].value == "甲化工有限公司"
        assert wb["汇总"]["B2"].value == "2026年12月（2026-12-01至2026-12-31）"
        assert not any("乙建设集团" in str(v) for v in _cells(wb))
