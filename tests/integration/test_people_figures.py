"""People's figures (issue 20, "Stats and reports"): the enterprise's and the office's
``/stats``, the daily digest's line on who stands down, and the workbook's 持证台账 and 培训台账.

Records are made with ``bot.services.people.records`` (the private flows are tested in
test_people_chat); what is checked is what people see through the emulator, and the
workbooks read back with openpyxl. Numbers: never in a chat message; in a workbook only where
its reader may see them (an office: enterprises that share them; a group's own /report: none).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import openpyxl
from sqlmodel import select

from bot.demo.harness import LocalBot
from bot.emulator import BotMessage
from bot.reports.sheets import HEADER_ROW
from bot.services.people import records
from bot.services.people.records import Actor, CertificateInput
from bot.store.models import Enterprise
from bot.store.people_models import Person
from tests.conftest import local
from tests.fakes.group import Group, group_with_bot, say_privately
from tests.integration.test_digest import digest_at, registered
from tests.integration.test_hazard_figures import _third_group, _workbook
from tests.integration.test_office import _link_code, _second_group
from tests.integration.test_reminders import occurrence, press

JSON = dict[str, Any]
WANG_NUMBER = "110101199001011234"  # an 18-character ID number, as 特种作业操作证 carry
LI_NUMBER = "T110101198505051234"
ZHAO_NUMBER = "220102198803031234"
ABC_NUMBER = "京建安C(2023)0012345"
ABC = "建筑施工企业“三类人员”安全生产考核合格证书（C类（专职安全生产管理人员））"
NOW = local(2026, 12, 2, 10, 0)
TODAY = NOW.date()


def _enterprise(bot: LocalBot, group: Group) -> Enterprise:
    with bot.ctx.session() as s:
        return s.exec(select(Enterprise).where(Enterprise.chat_id == group.chat_id)).one()


def _cert(
    bot: LocalBot, group: Group, person: Person, kind: str, category: str | None, number: str,
    issued: dt.date, *, expires: dt.date | None = None,
) -> None:  # fmt: skip
    enterprise = _enterprise(bot, group)
    actor = Actor(group.admin["id"], manager=True)
    given = CertificateInput(kind, category, number, issued, expires)
    with bot.ctx.session() as s:
        records.record_certificate(s, bot.ctx.people_rules, actor, s.merge(person), enterprise,
                                   given, today=bot.clock.now().date(), now=bot.clock.now())  # fmt: skip


def _hours(bot: LocalBot, group: Group, person: Person, category: str, hours: float) -> None:
    actor = Actor(group.admin["id"], manager=True)
    with bot.ctx.session() as s:
        records.add_training(s, bot.ctx.people_rules, actor, s.merge(person),
                             day=dt.date(2026, 11, 10), category=category, hours=hours,
                             today=bot.clock.now().date(), now=bot.clock.now())  # fmt: skip


def _chemicals_people(bot: LocalBot, group: Group) -> tuple[Person, Person, Person]:
    """王师傅 (on Telegram) whose 电工 certificate expired on 20 November, short 12 hours;
    李师傅 (no Telegram, new this year) whose 焊接 review is due on 20 December; 张主任 (the
    admin) with a valid 考核合格证; both of them with their hours done."""
    enterprise = _enterprise(bot, group)
    boss = Actor(group.admin["id"], manager=True)
    now = bot.clock.now()
    with bot.ctx.session() as s:
        wang = records.person_for_user(s, enterprise.id or 0, user_id=group.worker["id"],
                                       name="王师傅", now=now)  # fmt: skip
        records.set_role(s, boss, wang, role="special", joined_on=None)
        li = records.add_person(s, boss, enterprise.id or 0, name="李师傅", role="special",
                                joined_on=dt.date(2026, 3, 1), now=now)  # fmt: skip
        zhang = records.person_for_user(s, enterprise.id or 0, user_id=group.admin["id"],
                                        name="张主任", now=now)  # fmt: skip
        records.set_role(s, boss, zhang, role="manager", joined_on=None)
    _cert(bot, group, wang, "special_operation", "electrical", WANG_NUMBER, dt.date(2020, 11, 20))
    _cert(bot, group, li, "special_operation", "welding", LI_NUMBER, dt.date(2023, 12, 20))
    _cert(bot, group, zhang, "principal_manager", None, "安监A2024001", dt.date(2024, 1, 1),
          expires=dt.date(2028, 1, 1))  # fmt: skip
    _hours(bot, group, wang, "annual", 8)
    _hours(bot, group, li, "pre_job", 72)
    _hours(bot, group, li, "annual", 20)
    _hours(bot, group, zhang, "annual", 12)
    _hours(bot, group, zhang, "warning", 4)
    return wang, li, zhang


async def _world(bot: LocalBot) -> tuple[Group, Group, Group, JSON]:
    """Chemicals (three people) and construction (one, sharing its numbers) linked to an
    office; textiles (one, expired) not."""
    bot.clock.set(NOW)
    chemicals = await group_with_bot(bot)
    await chemicals.setup()
    construction, textiles = await _second_group(bot), await _third_group(bot)
    officer = bot.emulator.create_user("李科长", username="li_office")
    await say_privately(bot, officer, "/start")
    for group in (chemicals, construction):
        await say_privately(bot, officer, f"/office link {await _link_code(bot, group)}")
    _chemicals_people(bot, chemicals)
    for group, name, number, issued in (
        (construction, "赵师傅", ZHAO_NUMBER, dt.date(2024, 6, 1)),
        (textiles, "吴师傅", "330102199202021234", dt.date(2020, 1, 5)),
    ):
        enterprise = _enterprise(bot, group)
        with bot.ctx.session() as s:
            person = records.person_for_user(s, enterprise.id or 0, user_id=group.worker["id"],
                                             name=name, now=NOW)  # fmt: skip
            records.set_role(s, Actor(0, manager=True), person, role="special", joined_on=None)
        _cert(bot, group, person, "special_operation", "height", number, issued)
    with bot.ctx.session() as s:
        shared = s.get(Enterprise, _enterprise(bot, construction).id)
        assert shared is not None
        shared.share_certificates = True
        s.add(shared)
        s.commit()
    return chemicals, construction, textiles, officer


async def _answer(bot: LocalBot, chat: JSON, user: JSON, text: str, expect: str) -> str:
    emu = bot.emulator
    after = emu.cursor(chat["id"])
    emu.send_text(chat, user, text)
    message = await emu.wait_for_message(
        chat["id"], lambda m: expect in (m.text or ""), after=after
    )
    return message.text or ""


async def test_the_groups_stats_name_who_stands_down_what_is_due_and_who_is_short(
    bot: LocalBot,
) -> None:
    chemicals, *_ = await _world(bot)
    text = await _answer(bot, chemicals.chat, chemicals.worker, "/stats", "持证与培训学时")
    section = text.split("持证与培训学时")[1]
    assert "证书 3 本 · ⏳ 60天内到期或复审 1 本 · ⛔ 已过期或未复审 1 本" in section, section
    assert "以下人员在证书换证或复审前暂停上岗" in section
    assert "• 王师傅 — 特种作业操作证（电工作业），2026年11月20日 星期五 已过期" in section, section
    assert (
        "• 李师傅 — 特种作业操作证（焊接与热切割作业），2026年12月20日 星期日 到期复审" in section
    )
    assert "今年有 1 人培训学时不足，共缺 12 学时" in section
    assert "• 王师傅 — 缺 12 学时" in section
    assert "张主任" not in section, "valid, and the hours done: not listed"
    for number in (WANG_NUMBER, LI_NUMBER, "安监A2024001"):
        assert number not in text, "a group never sees certificate numbers"
    assert "赵师傅" not in text and "吴师傅" not in text, "other enterprises' people"


async def test_a_group_without_records_is_told_how_they_are_made(bot: LocalBot) -> None:
    bot.clock.set(NOW)
    group = await group_with_bot(bot)
    await group.setup()
    text = await _answer(bot, group.chat, group.worker, "/stats", "持证与培训学时")
    assert "尚无持证和培训记录" in text and "/cert" in text


async def test_the_office_sees_counts_and_names_of_its_enterprises_never_numbers(
    bot: LocalBot,
) -> None:
    _chemicals, _construction, _textiles, officer = await _world(bot)
    private = bot.emulator.private_chat(officer)
    text = await _answer(bot, private, officer, "/stats", "持证与培训学时")
    section = text.split("持证与培训学时")[1]
    assert "• 某某化工有限公司：🪪 3 · ⏳ 1 · ⛔ 1 · 📚 1" in section, section
    assert "⛔ 以下人员在证书换证或复审前暂停上岗：王师傅 — 特种作业操作证（电工作业）" in section
    assert "• 某某建设集团：🪪 1 · ⏳ 0 · ⛔ 0 · 📚 0" in section, section
    assert "某某纺织有限公司" not in text and "吴师傅" not in text, "not linked: not shown"
    for number in (WANG_NUMBER, LI_NUMBER, ZHAO_NUMBER):
        assert number not in text, "not in a chat message, shared or not"


def _rows(workbook: openpyxl.Workbook, sheet: str) -> list[tuple[Any, ...]]:
    return list(workbook[sheet].iter_rows(min_row=HEADER_ROW, values_only=True))


async def test_the_office_workbook_has_both_registers_and_numbers_only_where_shared(
    bot: LocalBot,
) -> None:
    chemicals, construction, _textiles, officer = await _world(bot)
    workbook = await _workbook(bot, bot.emulator.private_chat(officer), officer)
    assert workbook.sheetnames.index("持证台账") + 1 == workbook.sheetnames.index("培训台账")
    certs = _rows(workbook, "持证台账")
    assert list(certs[0]) == ["序号", "企业", "姓名", "岗位", "证书种类", "作业类别", "证书编号",
                              "发证日期", "下次复审", "有效期至", "状态"]  # fmt: skip
    by_name = {r[2]: r for r in certs[1:]}
    assert set(by_name) == {"王师傅", "李师傅", "张主任", "赵师傅"}, "linked enterprises only"
    wang = by_name["王师傅"]
    assert wang[1:6] == ("某某化工有限公司", "王师傅", "特种作业人员", "特种作业操作证", "电工作业")
    assert wang[6] == "未共享", "the chemicals enterprise does not share its numbers"
    assert wang[7] == dt.datetime(2020, 11, 20) and wang[9] == dt.datetime(2026, 11, 20)
    assert wang[10] == "已过期，暂停上岗"
    li = by_name["李师傅"]
    assert li[8] == dt.datetime(2026, 12, 20) and li[10] == "60天内到期复审或换证"
    assert by_name["张主任"][3:6] == ("安全生产管理人员", by_name["张主任"][4], None)
    assert by_name["赵师傅"][6] == ZHAO_NUMBER, "construction shares its numbers with offices"
    assert workbook["持证台账"].cell(row=HEADER_ROW + 1, column=8).number_format == "yyyy-mm-dd"

    hours = _rows(workbook, "培训台账")
    header = list(hours[0])
    assert header[:5] == ["序号", "企业", "姓名", "岗位", "年度"]
    assert header[-3:] == ["合计学时", "应完成学时", "尚缺学时"]
    assert "年度再培训" in header and "警示教育" in header
    rows = {r[2]: dict(zip(header, r, strict=True)) for r in hours[1:]}
    assert rows["王师傅"]["年度"] == 2026 and rows["王师傅"]["年度再培训"] == 8
    assert (rows["王师傅"]["应完成学时"], rows["王师傅"]["尚缺学时"]) == (20, 12)
    assert rows["李师傅"]["合计学时"] == 92 and rows["李师傅"]["应完成学时"] == 92
    assert rows["李师傅"]["尚缺学时"] == 0, "new this year: 72 pre-job hours, then 20 a year"
    assert rows["张主任"]["警示教育"] == 4 and rows["张主任"]["尚缺学时"] == 0

    own = await _workbook(bot, construction.chat, construction.admin)
    own_certs = _rows(own, "持证台账")[1:]
    assert [r[2] for r in own_certs] == ["赵师傅"]
    assert own_certs[0][6] == "未共享", "a group's /report is every member's: no numbers"
    own = await _workbook(bot, chemicals.chat, chemicals.admin)
    assert WANG_NUMBER not in {r[6] for r in _rows(own, "持证台账")[1:]}


async def test_the_digest_names_who_stands_down_until_renewed(bot: LocalBot) -> None:
    group = await registered(bot)
    enterprise = _enterprise(bot, group)
    boss = Actor(group.admin["id"], manager=True)
    with bot.ctx.session() as s:
        wang = records.person_for_user(s, enterprise.id or 0, user_id=group.worker["id"],
                                       name="王师傅", now=bot.clock.now())  # fmt: skip
        records.set_role(s, boss, wang, role="manager", joined_on=None)
    _cert(bot, group, wang, "construction_abc", "c", ABC_NUMBER, dt.date(2023, 12, 3))
    [digest] = await digest_at(bot, group, 2)
    assert "🪪" not in (digest.text or ""), "valid until 3 December: nobody stands down yet"

    [digest] = await digest_at(bot, group, 4)
    text = digest.text or ""
    assert f"🪪 以下人员在证书换证或复审前暂停上岗：王师傅 — {ABC}" in text, text
    assert ABC_NUMBER not in text

    daily = occurrence(bot, "daily-control", "2026-12-04")
    await press(group, group.worker, digest, f"cf:{daily.id}")
    edited = await _edited(bot, group, digest)
    assert f"王师傅 — {ABC}" in (edited.text or ""), "a press keeps the line"

    bot.clock.set(local(2026, 12, 4, 10))
    _cert(bot, group, wang, "construction_abc", "c", ABC_NUMBER, dt.date(2026, 12, 4))
    [digest] = [m for m in await digest_at(bot, group, 7) if "安全提醒汇总" in (m.text or "")]
    assert "🪪" not in (digest.text or "") and "王师傅" not in (digest.text or ""), "renewed"


async def _edited(bot: LocalBot, group: Group, message: BotMessage) -> BotMessage:
    emu = bot.emulator
    return await emu.wait_for(
        lambda: (m := emu.message(group.chat_id, message.message_id)).edits and m
    )
