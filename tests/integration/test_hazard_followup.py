"""Hazards followed up (issue 19): deadline reminders, overdue escalation, major hazards reported
to the linked offices, the hazards section of the group's digest, the office's digest and 督办.

Hazards are made with the services (``bot.services.hazards.records``); everything the people
see comes through the emulator, on the injected clock, one ``tick`` at a time.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest
from sqlmodel import select

from bot.demo.harness import LocalBot
from bot.domain.hazard import Actor
from bot.domain.hazard_states import HazardGrade
from bot.emulator import BotMessage
from bot.reports.sources import ReportSources
from bot.services.hazards import records
from bot.services.hazards.summary import SHORT
from bot.services.roster.members import join
from bot.store.hazard_models import Hazard
from bot.store.models import Enterprise
from bot.telegram.office.digest_job import send_due_digests
from tests.conftest import local
from tests.fakes.group import Group, say_privately
from tests.integration.test_digest import digest_at, registered
from tests.integration.test_office import _link_code, _second_group
from tests.integration.test_reminders import occurrence, press

JSON = dict[str, Any]
LONG = "配电箱未接地，箱门损坏无法关闭，电缆裸露在通道地面，存在触电风险，需要立即停电整改"


def _enterprise(bot: LocalBot, group: Group) -> Enterprise:
    with bot.ctx.session() as s:
        return s.exec(select(Enterprise).where(Enterprise.chat_id == group.chat_id)).one()


def _on_roster(bot: LocalBot, enterprise: Enterprise, user: JSON) -> None:
    with bot.ctx.session() as s:
        assert enterprise.id is not None
        join(s, enterprise_id=enterprise.id, user_id=user["id"], name=user["first_name"],
             username=None, now=bot.clock.now())  # fmt: skip


def _hazard(
    bot: LocalBot,
    group: Group,
    description: str,
    *,
    major: bool = False,
    deadline: dt.date | None = None,
    responsible: JSON | None = None,
) -> int:
    """A hazard reported by the worker, graded by the admin, with its 五落实 if ``deadline``."""
    enterprise = _enterprise(bot, group)
    officer = Actor(group.admin["id"], group.admin["first_name"], manager=True)
    reporter = Actor(group.worker["id"], group.worker["first_name"], manager=False)
    standards = bot.ctx.hazard_standards
    now = bot.clock.now()
    item = None
    if major:
        standard, first = standards.items_for_sector(enterprise.sector, on=now.date())[0]
        item = first.ref(standard.id)
    with bot.ctx.session() as s:
        hazard = records.report(s, enterprise, reporter, description=description, location="罐区",
                                photos=[], anonymous=False, private=False, now=now)  # fmt: skip
        level = HazardGrade.MAJOR if major else HazardGrade.GENERAL
        records.grade(s, hazard, officer, level, standard_item=item, standards=standards, now=now)
        if deadline is not None:
            who = responsible or group.worker
            _on_roster(bot, enterprise, who)
            records.plan(s, hazard, officer, responsible_id=who["id"], measures="更换报警器",
                         funds="2000元", deadline=deadline, contingency="停用罐区" if major else "",
                         today=now.date(), now=now)  # fmt: skip
        assert hazard.id is not None
        return hazard.id


def _private(bot: LocalBot, user: JSON) -> int:
    return int(bot.emulator.private_chat(user)["id"])


def _new(bot: LocalBot, chat_id: int, after: int) -> list[BotMessage]:
    return [m for m in bot.emulator.sent(chat_id) if m.message_id > after]


async def _office(bot: LocalBot, group: Group, name: str, username: str) -> JSON:
    """An office person who links ``group``'s enterprise in their private chat."""
    person = bot.emulator.create_user(name, username=username)
    await say_privately(bot, person, "/start")
    linked = await say_privately(bot, person, f"/office link {await _link_code(bot, group)}")
    assert "成功关联" in (linked.text or "")
    return person


async def test_reminders_come_daily_at_digest_time_from_three_days_before(
    bot: LocalBot, caplog: pytest.LogCaptureFixture
) -> None:
    group = await registered(bot)
    await say_privately(bot, group.worker, "/start")
    stranger = bot.emulator.create_user("刘师傅", username="liu")  # never started the bot
    _hazard(bot, group, "储罐区可燃气体报警器失效", deadline=dt.date(2026, 12, 10))
    _hazard(bot, group, "消防通道堵塞", deadline=dt.date(2026, 12, 10), responsible=stranger)
    worker = _private(bot, group.worker)

    async def reminders_at(day: int, hour: int, minute: int = 0) -> list[str]:
        after = bot.emulator.cursor(worker)
        await bot.tick_at(local(2026, 12, day, hour, minute))
        return [m.text or "" for m in _new(bot, worker, after)]

    assert await reminders_at(6, 9) == [], "four days before: not yet"
    assert await reminders_at(7, 7, 59) == [], "not before the digest time (08:00)"
    with caplog.at_level(logging.INFO, logger="bot"):
        [first] = await reminders_at(7, 8)
        assert await reminders_at(7, 12) == [], "once a day"
    assert "隐患 #1" in first and "还有 3 天" in first and "储罐区可燃气体报警器失效" in first
    assert "12月10日" in first and "更换报警器" in first
    unreachable = [r for r in caplog.records if "unreachable" in r.getMessage()]
    assert len(unreachable) == 1, "someone who never started the bot: one line, not retried"
    assert len(await reminders_at(8, 8, 30)) == 1
    assert len(await reminders_at(9, 8)) == 1
    [today] = await reminders_at(10, 8)
    assert "今天到期" in today
    assert await reminders_at(11, 8) == [], "past the deadline it is escalated, not reminded"


async def test_overdue_is_escalated_once_to_the_officer_and_a_major_one_to_the_office(
    bot: LocalBot,
) -> None:
    group = await registered(bot)
    await say_privately(bot, group.admin, "/start")
    office = await _office(bot, group, "李科长", "li_office")
    _hazard(bot, group, "配电箱未接地", deadline=dt.date(2026, 12, 3))
    _hazard(bot, group, "储罐区可燃气体报警器失效", major=True, deadline=dt.date(2026, 12, 3))
    officer, office_chat = _private(bot, group.admin), _private(bot, office)
    await bot.tick_at(local(2026, 12, 1, 9))  # the major hazard's report goes to the office
    before_officer, before_office = bot.emulator.cursor(officer), bot.emulator.cursor(office_chat)
    await bot.tick_at(local(2026, 12, 4, 7, 0))
    assert _new(bot, officer, before_officer) == [], "not at night: at the digest time"
    await bot.tick_at(local(2026, 12, 4, 8, 0))
    to_officer = [m.text or "" for m in _new(bot, officer, before_officer)]
    assert len(to_officer) == 2
    general = next(t for t in to_officer if "配电箱未接地" in t)
    major = next(t for t in to_officer if "储罐区可燃气体报警器失效" in t)
    assert "隐患 #1 已逾期 1 天" in general and "一般事故隐患" in general
    for text in (general, major):
        assert "某某化工有限公司" in text and "王师傅" in text and "12月3日" in text
    assert "重大事故隐患" in major and "判定标准" in major and "安监总管三〔2017〕121号" in major
    [escalated] = _new(bot, office_chat, before_office)
    assert "储罐区可燃气体报警器失效" in (escalated.text or "") and "逾期 1 天" in (
        escalated.text or ""
    )
    assert escalated.silent, "office messages are silent: only the weekly digest notifies"
    assert "配电箱未接地" not in (escalated.text or ""), "a general hazard stays with the officer"
    for day in (4, 5):
        await bot.tick_at(local(2026, 12, day, 18, 0))
    assert len(_new(bot, officer, before_officer)) == 2, "once per deadline"
    assert len(_new(bot, office_chat, before_office)) == 1


async def test_a_major_hazard_goes_to_the_linked_offices_at_the_next_tick_and_to_no_other(
    bot: LocalBot,
) -> None:
    chemicals = await registered(bot)
    construction = await _second_group(bot)
    first = await _office(bot, chemicals, "李科长", "li_office")
    other = await _office(bot, construction, "周科长", "zhou_office")
    bot.clock.set(local(2026, 12, 1, 10, 0))
    hazard_id = _hazard(bot, chemicals, "储罐区可燃气体报警器失效", major=True)
    first_chat, other_chat = _private(bot, first), _private(bot, other)
    before_first, before_other = bot.emulator.cursor(first_chat), bot.emulator.cursor(other_chat)
    await bot.tick()
    [report] = _new(bot, first_chat, before_first)
    text = report.text or ""
    assert "重大事故隐患" in text and "某某化工有限公司" in text and "隐患 #1" in text
    assert "《安全生产法》第四十一条" in text and "安监总管三〔2017〕121号" in text
    assert report.silent
    await bot.tick_at(local(2026, 12, 1, 10, 1))
    assert len(_new(bot, first_chat, before_first)) == 1, "reported once"
    assert _new(bot, other_chat, before_other) == [], "an office not linked never hears of it"

    bot.clock.set(local(2026, 12, 2, 15, 0))
    later = await _office(bot, chemicals, "吴主任", "wu_office")
    later_chat = _private(bot, later)
    before_later = bot.emulator.cursor(later_chat)
    await bot.tick_at(local(2026, 12, 2, 15, 1))
    [late_report] = _new(bot, later_chat, before_later)
    assert "储罐区可燃气体报警器失效" in (late_report.text or "")
    assert len(_new(bot, first_chat, before_first)) == 1, "the first office is not told twice"

    listed = await say_privately(bot, first, "/stats")
    assert "重大事故隐患督办" in (listed.text or "") and "储罐区可燃气体报警器失效" in (
        listed.text or ""
    )
    unlinked = await say_privately(bot, other, "/stats")
    assert "储罐区可燃气体报警器失效" not in (unlinked.text or "")
    assert "没有未销号的重大事故隐患" in (unlinked.text or "")

    officer = Actor(chemicals.admin["id"], "张主任", manager=True)
    with bot.ctx.session() as s:
        hazard = s.get(Hazard, hazard_id)
        assert hazard is not None
        records.invalidate(s, hazard, officer, reason="误报", now=bot.clock.now())
    closed = await say_privately(bot, first, "/stats")
    assert "储罐区可燃气体报警器失效" not in (closed.text or ""), "on the list until closed"


async def test_an_enterprise_without_an_office_reports_when_one_links(bot: LocalBot) -> None:
    group = await registered(bot)
    _hazard(bot, group, "储罐区可燃气体报警器失效", major=True)
    await bot.tick_at(local(2026, 12, 1, 9, 0))
    with bot.ctx.session() as s:
        assert s.exec(select(Hazard)).one().office_reported_at is None, "kept for an office"
    [digest] = await digest_at(bot, group, 2)
    assert "尚未关联监管部门" in (digest.text or "")
    office = await _office(bot, group, "李科长", "li_office")
    chat = _private(bot, office)
    before = bot.emulator.cursor(chat)
    await bot.tick_at(local(2026, 12, 2, 9, 0))
    [report] = _new(bot, chat, before)
    assert "储罐区可燃气体报警器失效" in (report.text or "")


async def test_the_digest_lists_open_hazards_and_hazards_never_post_on_their_own(
    bot: LocalBot,
) -> None:
    group = await registered(bot)
    await say_privately(bot, group.admin, "/start")
    _hazard(bot, group, LONG, deadline=dt.date(2026, 12, 1))
    _hazard(bot, group, "储罐区可燃气体报警器失效", major=True, deadline=dt.date(2026, 12, 20))
    _hazard(bot, group, "安全标志缺失")  # graded, no plan yet: counted, not listed
    [digest] = await digest_at(bot, group, 2)
    text = digest.text or ""
    section = text.split("🧯")[1]
    assert "隐患：未销号 3 项，逾期 1 项" in section
    assert f"#1 {LONG[: SHORT - 1]}… — 期限 12月1日 ❗ 逾期" in section
    assert "#2 储罐区可燃气体报警器失效 — 期限 12月20日" in section
    assert "安全标志缺失" not in section
    assert "详见本群各隐患卡片" in section and "尚未关联监管部门" in section
    assert await digest_at(bot, group, 2, 9, 0) == [], "the escalation went privately"
    assert await digest_at(bot, group, 2, 17, 0) == []

    daily = occurrence(bot, "daily-control", "2026-12-02")
    await press(group, group.worker, digest, f"cf:{daily.id}")
    emu = bot.emulator
    edited = await emu.wait_for(
        lambda: (m := emu.message(group.chat_id, digest.message_id)).edits and m
    )
    assert "隐患：未销号 3 项" in (edited.text or ""), "a press keeps the section"


async def test_the_office_weekly_digest_has_the_linked_enterprises_hazards(bot: LocalBot) -> None:
    group = await registered(bot)
    office = await _office(bot, group, "李科长", "li_office")
    _hazard(bot, group, "储罐区可燃气体报警器失效", major=True, deadline=dt.date(2026, 12, 20))
    _hazard(bot, group, "配电箱未接地", deadline=dt.date(2026, 12, 2))
    bot.clock.set(local(2026, 12, 7, 8, 30))  # Monday morning
    assert await send_due_digests(bot.app.bot, bot.runtime, ReportSources()) == 1
    digest = bot.emulator.sent(_private(bot, office))[-1].text or ""
    assert "安全生产周报" in digest
    assert "隐患：未销号 2 项，逾期 1 项" in digest
    assert "某某化工有限公司 — 隐患 #1 储罐区可燃气体报警器失效 — 已 6 天" in digest


async def test_a_retry_for_one_recipient_does_not_repeat_the_others_copy(bot: LocalBot) -> None:
    """Telegram fails for the office (a 502) when an overdue major hazard is escalated: the officer
    has the escalation at once, the office at the next tick, and nobody gets it twice."""
    group = await registered(bot)
    await say_privately(bot, group.admin, "/start")
    office = await _office(bot, group, "李科长", "li_office")
    _hazard(bot, group, "储罐区可燃气体报警器失效", major=True, deadline=dt.date(2026, 12, 3))
    officer, office_chat = _private(bot, group.admin), _private(bot, office)
    await bot.tick_at(local(2026, 12, 1, 9))  # the report upward
    before_officer, before_office = bot.emulator.cursor(officer), bot.emulator.cursor(office_chat)
    bot.emulator.inject_error(
        "sendMessage", error_code=502, description="Bad Gateway", chat_id=office_chat,
    )  # fmt: skip
    await bot.tick_at(local(2026, 12, 4, 8, 0))
    assert len(_new(bot, officer, before_officer)) == 1
    assert _new(bot, office_chat, before_office) == [], "failed: to be tried again"
    await bot.tick_at(local(2026, 12, 4, 8, 1))
    assert len(_new(bot, office_chat, before_office)) == 1, "the office at the next tick"
    assert len(_new(bot, officer, before_officer)) == 1, "the officer not again"
    await bot.tick_at(local(2026, 12, 5, 8, 0))
    assert len(_new(bot, officer, before_officer)) == 1
    assert len(_new(bot, office_chat, before_office)) == 1
