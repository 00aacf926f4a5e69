"""The hazard loop's rules on the database (``bot.services.hazards``), without the chat.

The chat flows are in ``test_hazards.py``; here each refusal is checked to change nothing and
each step to be kept (who, when, what), as the issue's "bad input" list asks.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from bot.demo.harness import LocalBot
from bot.domain.hazard import Actor
from bot.domain.hazard_errors import (
    DeadlinePassed,
    HazardWrongState,
    NotOnRoster,
    PhotoRequired,
    PlanRequired,
    SameVerifier,
    UnknownStandardItem,
)
from bot.domain.hazard_states import HazardGrade, HazardStatus
from bot.errors import DomainError, NotManager, StaleButton
from bot.services.hazards import queries, records
from bot.services.roster.members import join
from bot.store.hazard_models import Hazard
from bot.store.models import Enterprise
from tests.conftest import local
from tests.fakes.group import group_with_bot

OFFICER = Actor(1, "张主任", manager=True)
WORKER = Actor(2, "王师傅", manager=False)
OTHER_MANAGER = Actor(3, "李经理", manager=True)
NOW = local(2026, 12, 3, 10, 0)
TODAY = dt.date(2026, 12, 3)


async def _enterprise(bot: LocalBot) -> Enterprise:
    group = await group_with_bot(bot)
    await group.setup()
    with bot.ctx.session() as s:
        enterprise = s.exec(select(Enterprise)).one()
        assert enterprise.id is not None
        join(s, enterprise_id=enterprise.id, user_id=WORKER.user_id, name=WORKER.name,
             username=None, now=NOW)  # fmt: skip
    return enterprise


def _unchanged(bot: LocalBot, hazard_id: int, action: object, error: type[DomainError]) -> None:
    with bot.ctx.session() as s:
        before = s.get(Hazard, hazard_id)
        assert before is not None
        steps = len(records.steps(s, hazard_id))
        snapshot = before.model_dump()
        with pytest.raises(error):
            action(s, before)  # type: ignore[operator]
    with bot.ctx.session() as s:
        after = s.get(Hazard, hazard_id)
        assert after is not None and after.model_dump() == snapshot
        assert len(records.steps(s, hazard_id)) == steps


async def test_a_major_hazard_from_report_to_closing_with_refusals_that_change_nothing(
    bot: LocalBot,
) -> None:
    enterprise = await _enterprise(bot)
    standards = bot.ctx.hazard_standards
    ref = standards.items_for_sector("hazardous_chemicals", on=TODAY)[0][1].ref(
        standards.items_for_sector("hazardous_chemicals", on=TODAY)[0][0].id
    )
    with bot.ctx.session() as s:
        hazard = records.report(
            s, enterprise, WORKER, description=" 储罐区  可燃气体报警器失效 ", location="罐区",
            photos=[("f1", "u1")], anonymous=False, private=False, now=NOW,
        )  # fmt: skip
        assert (hazard.number, hazard.description) == (1, "储罐区 可燃气体报警器失效")
    hid = hazard.id
    assert hid is not None
    grade = records.grade
    _unchanged(bot, hid, lambda s, h: grade(s, h, WORKER, HazardGrade.MAJOR, standard_item=ref,
               standards=standards, now=NOW), NotManager)  # fmt: skip
    _unchanged(bot, hid, lambda s, h: grade(s, h, OFFICER, HazardGrade.MAJOR,
               standard_item="chemicals-2017#九十九", standards=standards, now=NOW),
               UnknownStandardItem)  # fmt: skip
    with bot.ctx.session() as s:
        h = s.get(Hazard, hid)
        assert h is not None
        grade(s, h, OFFICER, HazardGrade.MAJOR, standard_item=ref, standards=standards, now=NOW)

    def plan(responsible: int, deadline: dt.date, contingency: str) -> object:
        return lambda s, h: records.plan(
            s, h, OFFICER, responsible_id=responsible, measures="更换报警器", funds="2万元",
            deadline=deadline, contingency=contingency, today=TODAY, now=NOW,
        )  # fmt: skip

    _unchanged(bot, hid, plan(999, TODAY, "停用罐区"), NotOnRoster)
    _unchanged(bot, hid, plan(WORKER.user_id, TODAY - dt.timedelta(days=1), "停用"), DeadlinePassed)
    _unchanged(bot, hid, plan(WORKER.user_id, TODAY, " "), PlanRequired)
    with bot.ctx.session() as s:
        h = s.get(Hazard, hid)
        plan(WORKER.user_id, dt.date(2026, 12, 10), "停用罐区，设置警戒")(s, h)  # type: ignore[operator]
    rectify = records.rectify
    _unchanged(bot, hid, lambda s, h: rectify(s, h, WORKER, [], note="", now=NOW), PhotoRequired)
    with bot.ctx.session() as s:
        h = s.get(Hazard, hid)
        assert h is not None
        rectify(s, h, WORKER, [("f2", "u2")], note="已更换", now=NOW)
    _unchanged(bot, hid, lambda s, h: records.verify(s, h, WORKER, now=NOW), NotManager)
    with bot.ctx.session() as s:
        h = s.get(Hazard, hid)
        assert h is not None
        records.send_back(s, h, OFFICER, reason="报警器未标定", now=NOW)
        rectify(s, h, OFFICER, [("f3", "u3")], note="已标定", now=NOW)  # the officer did it
    _unchanged(bot, hid, lambda s, h: records.verify(s, h, OFFICER, now=NOW), SameVerifier)
    with bot.ctx.session() as s:
        h = s.get(Hazard, hid)
        assert h is not None
        records.verify(s, h, OTHER_MANAGER, now=NOW + dt.timedelta(days=2))
        assert h.status == HazardStatus.CLOSED.value
        actions = [(st.action, st.user_name) for st in records.steps(s, hid)]
        assert actions == [
            ("reported", "王师傅"), ("graded", "张主任"), ("planned", "张主任"),
            ("rectified", "王师傅"), ("sent_back", "张主任"), ("rectified", "张主任"),
            ("closed", "李经理"),
        ]  # fmt: skip
        assert [p.stage for p in records.photos(s, hid)] == ["found", "rectified", "rectified"]
        f = queries.figures(s, [enterprise.id or 0], now=NOW + dt.timedelta(days=2))[
            enterprise.id or 0
        ]
        assert (f.open, f.closed, f.closure_rate, f.median_days_to_close) == (0, 1, 1.0, 2.0)


async def test_a_foreign_hazard_id_is_a_stale_button_and_overdue_is_the_local_day(
    bot: LocalBot,
) -> None:
    enterprise = await _enterprise(bot)
    with bot.ctx.session() as s:
        hazard = records.report(
            s, enterprise, WORKER, description="消防通道堵塞", location="二号库",
            photos=[], anonymous=True, private=True, now=NOW,
        )  # fmt: skip
        with pytest.raises(StaleButton):
            records.hazard_of(s, (enterprise.id or 0) + 1, hazard.id or 0)
        records.grade(s, hazard, OFFICER, HazardGrade.GENERAL, standard_item=None,
                      standards=bot.ctx.hazard_standards, now=NOW)  # fmt: skip
        records.plan(s, hazard, OFFICER, responsible_id=WORKER.user_id, measures="清理",
                     funds="", deadline=TODAY, contingency="", today=TODAY, now=NOW)  # fmt: skip
        # 23:59 in Shanghai is still the deadline day; 00:00 the next day is overdue.
        last_minute = local(2026, 12, 3, 23, 59)
        assert (
            queries.figures(s, [enterprise.id or 0], now=last_minute)[enterprise.id or 0].overdue
            == 0
        )
        next_day = local(2026, 12, 4, 0, 0)
        assert (
            queries.figures(s, [enterprise.id or 0], now=next_day)[enterprise.id or 0].overdue == 1
        )
        assert [h.number for h, _ in queries.register(s, status="overdue", now=next_day)] == [1]


async def test_invalid_only_before_the_plan_and_an_upgrade_to_major_asks_for_a_new_plan(
    bot: LocalBot,
) -> None:
    enterprise = await _enterprise(bot)
    standards = bot.ctx.hazard_standards
    with bot.ctx.session() as s:
        hazard = records.report(
            s, enterprise, WORKER, description="配电箱未接地", location="二号车间",
            photos=[], anonymous=False, private=False, now=NOW,
        )  # fmt: skip
        records.grade(s, hazard, OFFICER, HazardGrade.GENERAL, standard_item=None,
                      standards=standards, now=NOW)  # fmt: skip
        records.plan(s, hazard, OFFICER, responsible_id=WORKER.user_id, measures="接地",
                     funds="", deadline=TODAY, contingency="", today=TODAY, now=NOW)  # fmt: skip
        assert hazard.reminded_on == TODAY, "just told: not reminded again today"
    hid = hazard.id or 0
    _unchanged(bot, hid, lambda s, h: records.invalidate(s, h, OFFICER, reason="误报", now=NOW),
               HazardWrongState)  # fmt: skip
    with bot.ctx.session() as s:
        h = s.get(Hazard, hid)
        assert h is not None
        records.grade(s, h, OFFICER, HazardGrade.MAJOR, standard_item=None, standards=standards,
                      now=NOW)  # fmt: skip
        assert (h.grade, h.status) == ("major", HazardStatus.GRADED.value), "needs its 预案"
