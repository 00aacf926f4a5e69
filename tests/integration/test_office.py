"""End to end through the emulator: an office links two enterprises, gets /stats, /report, a digest."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import openpyxl
from sqlmodel import col, func, select

from bot.demo.harness import LocalBot
from bot.reports.sources import ReportSources
from bot.services.reminders.confirmations import confirm
from bot.store.models import Enterprise, Evidence, OccurrenceRow
from bot.store.office_models import LinkCode, OfficeLink
from bot.telegram.office.digest_job import send_due_digests
from tests.conftest import SHANGHAI, local
from tests.fakes.group import Group, group_with_bot, say_privately

JSON = dict[str, Any]
CODE = re.compile(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}")


async def _second_group(bot: LocalBot) -> Group:
    emu = bot.emulator
    admin = emu.create_user("陈经理", username="chen")
    worker = emu.create_user("赵师傅", username="zhao")
    chat = emu.create_group("某某建设安全群", admins=[admin], members=[worker])
    after = emu.cursor(chat["id"])
    emu.add_bot_to_group(chat, by=admin)
    await emu.wait_for_message(chat["id"], after=after)
    group = Group(bot, chat, admin, worker)
    await group.setup("建筑施工", "某某建设集团")
    return group


async def _link_code(bot: LocalBot, group: Group) -> str:
    """The admin asks for a code in the group; it arrives privately, never in the group."""
    await say_privately(bot, group.admin, "/start")
    emu = bot.emulator
    private = emu.private_chat(group.admin)["id"]
    after = emu.cursor(private)
    answer = await group.say(group.admin, "/office code")
    assert "私信" in (answer.text or "") and not CODE.search(answer.text or "")
    message = await emu.wait_for_message(private, after=after)
    found = CODE.search(message.text or "")
    assert found, message.text
    return found.group(0)


def _confirm_daily(bot: LocalBot, group: Group, days: range) -> None:
    with bot.ctx.session() as s:
        rows = s.exec(
            select(OccurrenceRow)
            .join(Enterprise, col(Enterprise.id) == col(OccurrenceRow.enterprise_id))
            .where(
                Enterprise.chat_id == group.chat_id, OccurrenceRow.obligation_id == "daily-control"
            )
        ).all()
        for occ in rows:
            if occ.window_start.day in days and occ.window_start.month == 12:
                assert occ.id is not None
                moment = dt.datetime.combine(occ.window_start, dt.time(10), SHANGHAI)
                confirm(s, occurrence_id=occ.id, chat_id=group.chat_id, user_id=group.admin["id"],
                        user_name=group.admin["first_name"], now=moment)  # fmt: skip


def _expected(bot: LocalBot, start: dt.date, today: dt.date, now: dt.datetime) -> tuple[int, int]:
    """Occurrences in the period and those overdue, counted independently of bot.reports."""
    first = dt.datetime.combine(start, dt.time(), SHANGHAI)
    with bot.ctx.session() as s:
        base = (
            select(func.count())
            .select_from(OccurrenceRow)
            .where(col(OccurrenceRow.due_at) >= first, col(OccurrenceRow.window_start) <= today)
        )
        total = s.exec(base).one()
        overdue = s.exec(
            base.where(OccurrenceRow.status == "open", col(OccurrenceRow.due_at) < now)
        ).one()
    return total, overdue


async def test_office_links_two_enterprises_and_gets_stats_report_and_digest(
    bot: LocalBot,
) -> None:
    emu = bot.emulator
    chemicals = await group_with_bot(bot)
    await chemicals.setup()
    construction = await _second_group(bot)
    officer = emu.create_user("李科长", username="li_office")
    await say_privately(bot, officer, "/start")
    for group in (chemicals, construction):
        linked = await say_privately(bot, officer, f"/office link {await _link_code(bot, group)}")
        assert "成功关联" in (linked.text or "")
    assert "关联企业 2 家" in (linked.text or "")

    _confirm_daily(bot, chemicals, range(1, 15))
    _confirm_daily(bot, construction, range(1, 5))
    now = local(2026, 12, 21, 10, 0)
    bot.clock.set(now)

    stats = await say_privately(bot, officer, "/stats")
    text = stats.text or ""
    assert "2 家企业" in text and "督办清单" in text and "完成率排名" in text
    assert "某某化工有限公司" in text and "某某建设集团" in text
    assert "知晓率：暂无数据" in text
    ranking = text.split("完成率排名")[1]
    assert ranking.index("某某化工有限公司") < ranking.index("某某建设集团")

    enterprise_view = await chemicals.say(chemicals.admin, "/stats")
    assert "督办清单" not in (enterprise_view.text or ""), "enterprise groups keep their own /stats"

    private = emu.private_chat(officer)["id"]
    after = emu.cursor(private)
    emu.send_text(emu.private_chat(officer), officer, "/report")
    document = await emu.wait_for_message(private, lambda m: m.kind == "document", after=after)
    photo = await emu.wait_for_message(private, lambda m: m.kind == "photo", after=after)
    assert document.file_id is not None and photo.file_id is not None
    workbook = openpyxl.load_workbook(io.BytesIO(emu.store.files[document.file_id].data))
    assert workbook.sheetnames == [
        "汇总",
        "明细",
        "逾期",
        "考试",
        "持证台账",
        "培训台账",
        "隐患台账",
    ]
    total, overdue = _expected(bot, dt.date(2026, 11, 22), dt.date(2026, 12, 21), now)
    assert total > overdue > 0
    summary = workbook["汇总"]
    # A formal report's rows open every sheet: title, 统计期间, 填报单位, 填报日期; then the table.
    assert summary["A1"].value == "安全生产工作情况报表（汇总）"
    assert [summary[f"A{row}"].value for row in (2, 3, 4)] == ["统计期间", "填报单位", "填报日期"]
    assert summary["B2"].value == "2026-11-22至2026-12-21"
    assert summary["B3"].value == "李科长", "the office's name"
    assert summary["B4"].value == dt.datetime(2026, 12, 21), "today in the office's timezone"
    assert all(workbook[name]["B3"].value == "李科长" for name in workbook.sheetnames)
    header = 5
    assert [c.value for c in summary[header]][:2] == ["排名", "企业"]
    assert summary.max_row == header + 2 + 1, "two enterprises and the 合计 row"
    assert summary[f"B{header + 3}"].value == "合计"
    assert workbook["明细"].max_row == header + total
    assert workbook["逾期"].max_row == header + overdue
    assert workbook["考试"].max_row == header
    assert summary.freeze_panes == f"A{header + 1}"
    assert isinstance(workbook["明细"][f"F{header + 1}"].value, dt.datetime), "real Excel dates"
    png = emu.store.files[photo.file_id].data
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000

    bot.clock.set(local(2026, 12, 28, 8, 30))  # Monday morning
    assert await send_due_digests(bot.app.bot, bot.runtime, ReportSources()) == 1
    digest = emu.sent(private)[-1].text or ""
    assert "安全生产周报" in digest and "某某建设集团" in digest
    assert await send_due_digests(bot.app.bot, bot.runtime, ReportSources()) == 0


async def test_codes_are_single_use_and_enterprise_groups_cannot_link(bot: LocalBot) -> None:
    chemicals = await group_with_bot(bot)
    await chemicals.setup()
    code = await _link_code(bot, chemicals)
    office_a = bot.emulator.create_user("甲办")
    office_b = bot.emulator.create_user("乙办")
    refused = await chemicals.say(chemicals.admin, f"/office link {code}")
    assert "企业群" in (refused.text or "")
    assert "成功关联" in (
        (await say_privately(bot, office_a, f"/office link {code.lower()}")).text or ""
    )
    again = await say_privately(bot, office_b, f"/office link {code}")
    assert "无效" in (again.text or "")
    with bot.ctx.session() as s:
        assert len(s.exec(select(OfficeLink)).all()) == 1
        assert s.exec(select(LinkCode)).one().used_at is not None
    stranger = await say_privately(bot, office_b, "/stats")
    assert "督办清单" not in (stranger.text or ""), "only linked offices see office statistics"


async def test_non_admin_cannot_issue_a_code_and_status_lists_offices(bot: LocalBot) -> None:
    chemicals = await group_with_bot(bot)
    await chemicals.setup()
    refused = await chemicals.say(chemicals.worker, "/office code")
    assert "管理员" in (refused.text or "")
    office = bot.emulator.create_user("安委办")
    await say_privately(bot, office, f"/office link {await _link_code(bot, chemicals)}")
    status = await chemicals.say(chemicals.admin, "/office")
    assert "已关联 1 个监管部门" in (status.text or "") and "安委办" in (status.text or "")


async def test_evidence_link_opens_only_for_the_linked_office(bot: LocalBot) -> None:
    chemicals = await group_with_bot(bot)
    await chemicals.setup()
    office = bot.emulator.create_user("安委办")
    outsider = bot.emulator.create_user("路人")
    await say_privately(bot, office, f"/office link {await _link_code(bot, chemicals)}")
    with bot.ctx.session() as s:
        occ = s.exec(
            select(OccurrenceRow).where(OccurrenceRow.obligation_id == "daily-control")
        ).first()
        assert occ is not None and occ.id is not None
        s.add(Evidence(occurrence_id=occ.id, enterprise_id=occ.enterprise_id, user_id=1,
                       kind="note", text="已检查<储罐>区", created_at=bot.clock.now()))  # fmt: skip
        s.commit()
        occurrence_id = occ.id
    shown = await say_privately(bot, office, f"/start of{occurrence_id}")
    assert "已检查<储罐>区" in (shown.text or "")
    refused = await say_privately(bot, outsider, f"/start of{occurrence_id}")
    assert "无法查看" in (refused.text or "")
