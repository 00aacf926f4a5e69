"""Hazard figures in both ``/stats`` and the workbook's 隐患台账 (issue 19, "Stats and reports").

Hazards are made with ``bot.services.hazards.records`` (the chat flows are tested elsewhere);
what is checked is what people see: the enterprise's and the office's ``/stats`` through the
emulator, and the ``/report`` workbook read back with openpyxl. The office sees only the
enterprises linked to it; an anonymous reporter is never named in a workbook.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
from sqlmodel import select

from bot.demo.harness import LocalBot
from bot.domain.hazard import Actor
from bot.domain.hazard_states import HazardGrade
from bot.emulator import BotMessage
from bot.reports import build
from bot.reports.labels import load_labels
from bot.reports.period import Period
from bot.reports.sheets import HEADER_ROW
from bot.reports.sources import ReportSources
from bot.services.hazards import records
from bot.services.roster.members import join
from bot.store.hazard_models import Hazard
from bot.store.models import Enterprise
from tests.conftest import local
from tests.fakes.group import Group, group_with_bot, say_privately
from tests.integration.test_office import _link_code, _second_group

JSON = dict[str, Any]
STANDARD_ITEM = "chemicals-2017#一"
FORMULA = '=HYPERLINK("http://evil.example","点我")'
NOW = local(2026, 12, 10, 10, 0)
HEADERS = ["序号", "企业", "隐患描述", "位置", "发现时间", "发现人", "等级", "判定依据",
           "整改责任人", "整改措施", "整改资金", "整改时限", "完成时间", "验收人", "状态"]  # fmt: skip


def _enterprise(bot: LocalBot, group: Group) -> Enterprise:
    with bot.ctx.session() as s:
        return s.exec(select(Enterprise).where(Enterprise.chat_id == group.chat_id)).one()


def _people(bot: LocalBot, group: Group, enterprise: Enterprise) -> tuple[Actor, Actor, Actor]:
    """The admin (a manager), the worker (on the roster) and a second manager."""
    admin, worker = group.admin, group.worker
    with bot.ctx.session() as s:
        join(s, enterprise_id=enterprise.id or 0, user_id=worker["id"],
             name=worker["first_name"], username=None, now=local(2026, 12, 1))  # fmt: skip
    return (
        Actor(admin["id"], admin["first_name"], manager=True),
        Actor(worker["id"], worker["first_name"], manager=False),
        Actor(admin["id"] + 1000, "李经理", manager=True),
    )


def _hazard(
    bot: LocalBot, enterprise: Enterprise, who: Actor, text: str, day: int, **kw: Any
) -> Hazard:
    with bot.ctx.session() as s:
        return records.report(
            s, enterprise, who, description=text, location=kw.pop("location", "罐区"), photos=[],
            anonymous=kw.pop("anonymous", False), private=False, now=local(2026, 12, day),
        )  # fmt: skip


def _grade_plan(bot: LocalBot, hazard: Hazard, officer: Actor, worker: Actor, grade: HazardGrade,
                *, day: int, deadline: dt.date) -> None:  # fmt: skip
    item = STANDARD_ITEM if grade is HazardGrade.MAJOR else None
    with bot.ctx.session() as s:
        h = s.get(Hazard, hazard.id)
        assert h is not None
        records.grade(s, h, officer, grade, standard_item=item,
                      standards=bot.ctx.hazard_standards, now=local(2026, 12, day))  # fmt: skip
        records.plan(s, h, officer, responsible_id=worker.user_id, measures="更换报警器",
                     funds="2万元", deadline=deadline, contingency="停用罐区",
                     today=dt.date(2026, 12, day), now=local(2026, 12, day))  # fmt: skip


def _close(bot: LocalBot, hazard: Hazard, worker: Actor, verifier: Actor, day: int) -> None:
    with bot.ctx.session() as s:
        h = s.get(Hazard, hazard.id)
        assert h is not None
        records.rectify(s, h, worker, [("f", f"u{h.id}")], note="", now=local(2026, 12, day))
        records.verify(s, h, verifier, now=local(2026, 12, day, 16))


async def _third_group(bot: LocalBot) -> Group:
    """An enterprise no office here is linked to."""
    emu = bot.emulator
    admin, worker = emu.create_user("周厂长", username="zhou"), emu.create_user("吴师傅")
    chat = emu.create_group("某某纺织安全群", admins=[admin], members=[worker])
    after = emu.cursor(chat["id"])
    emu.add_bot_to_group(chat, by=admin)
    await emu.wait_for_message(chat["id"], after=after)
    group = Group(bot, chat, admin, worker)
    await group.setup("工贸", "某某纺织有限公司")
    return group


async def _world(bot: LocalBot) -> tuple[Group, Group, Group, JSON]:
    """Chemicals (4 hazards) and construction (2) linked to an office; textiles (1) not."""
    chemicals = await group_with_bot(bot)
    await chemicals.setup()
    construction, textiles = await _second_group(bot), await _third_group(bot)
    officer = bot.emulator.create_user("李科长", username="li_office")
    await say_privately(bot, officer, "/start")
    for group in (chemicals, construction):
        await say_privately(bot, officer, f"/office link {await _link_code(bot, group)}")

    a = _enterprise(bot, chemicals)
    boss, worker, other = _people(bot, chemicals, a)
    major = _hazard(bot, a, worker, "储罐区可燃气体报警器失效", 1)
    _grade_plan(bot, major, boss, worker, HazardGrade.MAJOR, day=2, deadline=dt.date(2026, 12, 5))
    general = _hazard(bot, a, worker, "配电箱门未关闭", 2, location="配电室")
    _grade_plan(
        bot, general, boss, worker, HazardGrade.GENERAL, day=2, deadline=dt.date(2026, 12, 9)
    )
    _close(bot, general, worker, boss, 5)  # closed 3 days 7 hours after the report
    _hazard(bot, a, worker, FORMULA, 3, anonymous=True, location="-仓库")
    mistaken = _hazard(bot, a, worker, "误报", 3)
    with bot.ctx.session() as s:
        h = s.get(Hazard, mistaken.id)
        assert h is not None
        records.invalidate(s, h, other, reason="不是隐患", now=local(2026, 12, 4))

    b = _enterprise(bot, construction)
    b_boss, b_worker, _ = _people(bot, construction, b)
    done = _hazard(bot, b, b_worker, "脚手架扣件缺失", 2)
    _grade_plan(
        bot, done, b_boss, b_worker, HazardGrade.GENERAL, day=2, deadline=dt.date(2026, 12, 8)
    )
    _close(bot, done, b_worker, b_boss, 3)
    b_major = _hazard(bot, b, b_worker, "深基坑支护变形", 6)
    with bot.ctx.session() as s:
        h = s.get(Hazard, b_major.id)
        assert h is not None
        records.grade(s, h, b_boss, HazardGrade.MAJOR, standard_item=None,
                      standards=bot.ctx.hazard_standards, now=local(2026, 12, 6))  # fmt: skip

    c = _enterprise(bot, textiles)
    c_boss, c_worker, _ = _people(bot, textiles, c)
    outside = _hazard(bot, c, c_worker, "外单位的重大隐患", 2)
    with bot.ctx.session() as s:
        h = s.get(Hazard, outside.id)
        assert h is not None
        records.grade(s, h, c_boss, HazardGrade.MAJOR, standard_item=None,
                      standards=bot.ctx.hazard_standards, now=local(2026, 12, 2))  # fmt: skip
    bot.clock.set(NOW)
    return chemicals, construction, textiles, officer


async def _answer(bot: LocalBot, chat_id: int, send: Any, expect: str) -> BotMessage:
    """Send (``send()``) and wait for the bot's message containing ``expect`` in ``chat_id``."""
    emu = bot.emulator
    after = emu.cursor(chat_id)
    send()
    return await emu.wait_for_message(chat_id, lambda m: expect in (m.text or ""), after=after)


async def _workbook(bot: LocalBot, chat: JSON, user: JSON) -> openpyxl.Workbook:
    emu = bot.emulator
    after = emu.cursor(chat["id"])
    emu.send_text(chat, user, "/report")
    doc = await emu.wait_for_message(chat["id"], lambda m: m.kind == "document", after=after)
    assert doc.file_id is not None
    return openpyxl.load_workbook(io.BytesIO(emu.store.files[doc.file_id].data))


async def test_both_stats_show_the_hazard_figures_and_the_office_only_its_linked_ones(
    bot: LocalBot,
) -> None:
    chemicals, _construction, textiles, officer = await _world(bot)
    emu = bot.emulator

    own = await _answer(bot, chemicals.chat_id,
                        lambda: emu.send_text(chemicals.chat, chemicals.worker, "/stats"), "隐患")  # fmt: skip
    text = own.text or ""
    # the one closed as invalid is neither open nor closed
    assert "未销号 2 项 · ❗ 逾期 1 项 · ✅ 已销号 1 项" in text, text
    assert "销号率：33% · 销号用时中位数 3.3 天" in text, text
    assert "未销号的重大事故隐患：1 项" in text
    assert "隐患 #1 储罐区可燃气体报警器失效 — 已 9 天" in text, text
    assert "某某建设集团" not in text and "某某化工有限公司 隐患" not in text

    private = emu.private_chat(officer)
    office = await _answer(bot, private["id"],
                           lambda: emu.send_text(private, officer, "/stats"), "隐患")  # fmt: skip
    text = office.text or ""
    assert "未销号 3 项 · ❗ 逾期 1 项 · ✅ 已销号 2 项" in text, text
    assert "销号率：40%" in text, text
    assert "• 某某化工有限公司：⚠️ 2 · ❗ 1 · ✅ 1" in text, text
    assert "• 某某建设集团：⚠️ 1 · ❗ 0 · ✅ 1" in text, text
    # the open major hazards are in the 督办 list (below the figures), not listed twice
    assert "未销号的重大事故隐患" not in text, text
    assert "🔴 某某化工有限公司 — 隐患 #1 储罐区可燃气体报警器失效" in text, text
    assert "🔴 某某建设集团 — 隐患 #2 深基坑支护变形" in text, text
    assert "某某纺织有限公司" not in text and "外单位" not in text, "not linked: not shown"

    textiles_view = await _answer(bot, textiles.chat_id,
                          lambda: emu.send_text(textiles.chat, textiles.admin, "/stats"), "隐患")  # fmt: skip
    text = textiles_view.text or ""
    assert "⚠️ 未销号 1 项 · ❗ 逾期 0 项 · ✅ 已销号 0 项" in text and "外单位的重大隐患" in text
    assert "储罐区" not in text and "深基坑" not in text


async def test_the_register_sheet_has_a_row_per_hazard_and_keeps_text_as_text(
    bot: LocalBot,
) -> None:
    chemicals, _construction, _textiles, officer = await _world(bot)
    workbook = await _workbook(bot, bot.emulator.private_chat(officer), officer)
    assert workbook.sheetnames[-1] == "隐患台账"
    ws = workbook["隐患台账"]
    rows = list(ws.iter_rows(min_row=HEADER_ROW, values_only=True))  # below the formal rows
    assert list(rows[0]) == HEADERS
    assert [r[0] for r in rows[1:]] == [1, 2, 3, 4, 5, 6]
    by_text = {r[2]: r for r in rows[1:]}
    assert set(by_text) == {"储罐区可燃气体报警器失效", "配电箱门未关闭", FORMULA, "误报",
                            "脚手架扣件缺失", "深基坑支护变形"}, "only the linked enterprises"  # fmt: skip
    major = by_text["储罐区可燃气体报警器失效"]
    assert major[1] == "某某化工有限公司" and major[5] == "王师傅" and major[6] == "重大事故隐患"
    assert (
        major[7]
        == "《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）》（安监总管三〔2017〕121号）一"
    )
    assert major[8:12] == ("王师傅", "更换报警器", "2万元", dt.datetime(2026, 12, 5))
    assert major[4] == dt.datetime(2026, 12, 1, 9, 0), "found at, local time"
    assert major[14] == "整改中，已逾期"
    closed = by_text["配电箱门未关闭"]
    assert closed[12] == dt.datetime(2026, 12, 5, 9, 0) and closed[13] == "张主任"
    assert closed[14] == "已销号" and closed[6] == "一般事故隐患" and closed[7] is None
    anonymous = by_text[FORMULA]
    assert anonymous[5] == "匿名" and anonymous[6] == "未定级" and anonymous[3] == "-仓库"
    assert by_text["误报"][14] == "已作废" and by_text["误报"][13] is None
    cell = ws.cell(row=HEADER_ROW + [r[2] for r in rows].index(FORMULA), column=3)
    assert cell.data_type == "s" and cell.quotePrefix, "a formula-looking description stays text"
    assert ws.cell(row=cell.row, column=4).quotePrefix

    own = await _workbook(bot, chemicals.chat, chemicals.admin)
    own_rows = list(own["隐患台账"].iter_rows(min_row=HEADER_ROW + 1, values_only=True))
    assert len(own_rows) == 4 and {r[1] for r in own_rows} == {"某某化工有限公司"}
    assert "匿名" in [r[5] for r in own_rows], "the group's own workbook does not name them either"


async def test_the_register_sheet_in_english(bot: LocalBot) -> None:
    chemicals, *_ = await _world(bot)
    a = _enterprise(bot, chemicals)
    period = Period(dt.date(2026, 11, 11), dt.date(2026, 12, 10))
    with bot.ctx.session() as s:
        data = build.collect(s, [a.id or 0], period, tz="Asia/Shanghai", now=NOW,
                             sources=ReportSources())  # fmt: skip
    labels = load_labels(bot.runtime.renderer, bot.ctx.catalog, "en", period,
                         bot.ctx.hazard_standards)  # fmt: skip
    files = build.render_files(data, labels, tz="Asia/Shanghai")
    ws = openpyxl.load_workbook(io.BytesIO(files.workbook))["Hazard register"]
    rows = list(ws.iter_rows(min_row=HEADER_ROW, values_only=True))
    assert rows[0][:3] == ("No.", "Enterprise", "Hazard description")
    assert rows[0][5:8] == ("Found by", "Hazard grade", "Basis (standard)")
    major = next(r for r in rows if r[2] == "储罐区可燃气体报警器失效")
    assert major[6] == "major accident hazard" and major[14] == "being rectified, overdue"
    assert major[7] == (
        "Criteria for Determining Major Accident Hazards in Chemical and Hazardous-Chemical"
        " Enterprises (Trial) (安监总管三〔2017〕121号) 一"
    )
    assert next(r for r in rows if r[2] == FORMULA)[5] == "anonymous"
