"""The desk's pages (issue 21): overview, 督办 list, enterprise page, filters, paging, charts.

The queries are checked on a real database (SQLite, and PostgreSQL when DATABASE_URL_PG is
set) with rows written directly; the pages themselves through aiohttp's test client in the
tests at the end, and in a browser in tests/browser/test_desk_pages.py.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

import aiohttp
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.clock import FakeClock
from bot.demo.harness import LocalBot
from bot.services.desk import charts, figures
from bot.services.desk.enterprise import enterprise_page
from bot.services.desk.filters import (
    BadAttribute,
    BadPage,
    Filters,
    PageGone,
    choices,
    narrow,
    page_number,
    set_attributes,
)
from bot.services.desk.overview import overview
from bot.services.desk.period import of
from bot.services.desk.supervision import supervision
from bot.services.quiz.stats import quiz_stats
from bot.store.db import make_engine, upgrade
from bot.store.drill_models import Drill
from bot.store.hazard_models import Hazard, HazardPhoto
from bot.store.models import Confirmation, Enterprise, Evidence, Member, OccurrenceRow
from bot.store.quiz_models import Quiz
from tests.conftest import SHANGHAI, local
from tests.fakes.desk import DeskBot, desk_bot, office_linked_to, web_link
from tests.fakes.group import Group, group_with_bot

JSON = dict[str, Any]
CSRF = re.compile(r'name="csrf" value="([^"]+)"')

NOW = local(2026, 12, 10, 12, 0)
TZ = "Asia/Shanghai"
DECEMBER = of("month", 2026, 12)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


def _enterprise(s: Session, chat_id: int, name: str, **attrs: object) -> Enterprise:
    e = Enterprise(chat_id=chat_id, name=name, sector="hazardous_chemicals", high_risk=True,
                   created_by=1, created_at=NOW, **attrs)  # fmt: skip
    s.add(e)
    s.commit()
    s.refresh(e)
    return e


def _duty(s: Session, e: Enterprise, day: int, *, done: bool, obligation: str = "daily-control",
          who: str | None = None) -> OccurrenceRow:  # fmt: skip
    assert e.id is not None
    due = dt.datetime(2026, 12, day, 17, tzinfo=SHANGHAI)
    occ = OccurrenceRow(enterprise_id=e.id, key=f"{obligation}-{day}", obligation_id=obligation,
                        label=str(day), window_start=due.date(), window_end=due.date(),
                        due_at=due, status="done" if done else "open",
                        done_at=due - dt.timedelta(hours=2) if done else None)  # fmt: skip
    s.add(occ)
    s.commit()
    s.refresh(occ)
    if who is not None:
        assert occ.id is not None and occ.done_at is not None
        s.add(Confirmation(occurrence_id=occ.id, enterprise_id=e.id, user_id=7, user_name=who,
                           confirmed_at=occ.done_at))  # fmt: skip
        s.commit()
    return occ


def _hazard(s: Session, e: Enterprise, number: int, *, grade: str | None, status: str = "planned",
            deadline: dt.date | None = None, day: int = 3) -> Hazard:  # fmt: skip
    assert e.id is not None
    h = Hazard(enterprise_id=e.id, number=number, reported_by=8, reporter_name="小李",
               description=f"隐患{number}", location="仓库", reported_at=local(2026, 12, day),
               status=status, grade=grade, deadline=deadline, responsible_name="老王")  # fmt: skip
    s.add(h)
    s.commit()
    s.refresh(h)
    return h


def _exam(s: Session, e: Enterprise, user_id: int, passed: bool, day: int) -> None:
    s.add(Quiz(enterprise_id=e.id, chat_id=user_id, kind="check", user_id=user_id,
               user_name=str(user_id), created_at=local(2026, 12, day),
               finished_at=local(2026, 12, day, 10), passed=passed))  # fmt: skip
    s.commit()


def _office_of_three(s: Session) -> tuple[Enterprise, Enterprise, Enterprise]:
    """甲 does everything; 乙 misses most daily checks and has hazards; 丙 is nobody's."""
    good = _enterprise(s, -1, "甲化工", township="城关镇", authority="应急管理局")
    poor = _enterprise(s, -2, "乙商贸", township="新港街道", authority="商务局",
                       safety_officer_id=7)  # fmt: skip
    other = _enterprise(s, -3, "丙烟花", township="城关镇")
    assert good.id and poor.id
    for day in range(1, 10):
        _duty(s, good, day, done=True, who="老张")
        _duty(s, poor, day, done=day <= 3)
        _duty(s, other, day, done=False)
    s.add(Member(enterprise_id=poor.id, user_id=7, name="老王", joined_at=NOW))
    s.add(Member(enterprise_id=poor.id, user_id=8, name="小李", joined_at=NOW))
    s.add(Drill(enterprise_id=good.id, scenario="fire", area="office", organizer_id=1,
                organizer_name="老张", started_at=local(2026, 12, 5), status="confirmed"))  # fmt: skip
    s.commit()
    _hazard(s, poor, 1, grade="major", deadline=dt.date(2026, 12, 6))
    _hazard(s, poor, 2, grade="general")
    _hazard(s, poor, 3, grade="major", status="closed")
    _exam(s, poor, 7, passed=True, day=4)
    _exam(s, poor, 8, passed=True, day=2)
    _exam(s, poor, 8, passed=False, day=5)  # the latest exam counts: 小李 is not aware
    return good, poor, other


def test_overview_ranks_the_enterprises_in_view_with_their_figures(engine: Engine) -> None:
    with Session(engine) as s:
        good, poor, _ = _office_of_three(s)
        ids = [good.id or 0, poor.id or 0]
        view = overview(s, ids, DECEMBER, tz=TZ, now=NOW)
    assert [r.name for r in view.rows] == ["甲化工", "乙商贸"]  # 丙烟花 is not linked
    best, worst = view.rows
    assert (best.rank, best.completion, best.counts.overdue) == (1, 1.0, 0)
    assert best.last_drill == local(2026, 12, 5) and best.awareness is None
    assert (worst.rank, worst.counts.done, worst.counts.overdue) == (2, 3, 6)
    assert (worst.hazards.open, worst.hazards.major, worst.hazards.overdue) == (2, 1, 1)
    assert worst.awareness is not None and (worst.awareness.passed, worst.awareness.rostered) == (
        1,
        2,
    )
    assert worst.last_drill is None and view.without_drill == 1
    assert (view.totals.done, view.totals.overdue) == (12, 6)
    assert view.bands == [1, 0, 0, 0, 1, 0]  # 33% in the lowest band, 100% in the top one
    assert view.enterprises == 2 and view.page.pages == 1


def test_overview_pages_and_refuses_pages_past_the_last(engine: Engine) -> None:
    with Session(engine) as s:
        good, poor, _ = _office_of_three(s)
        ids = [good.id or 0, poor.id or 0]
        second = overview(s, ids, DECEMBER, tz=TZ, now=NOW, page_number=2, page_size=1)
        assert [(r.rank, r.name) for r in second.rows] == [(2, "乙商贸")]
        assert second.page.has_previous and not second.page.has_next
        with pytest.raises(PageGone):
            overview(s, ids, DECEMBER, tz=TZ, now=NOW, page_number=3, page_size=1)
        empty = overview(s, [], DECEMBER, tz=TZ, now=NOW)
    assert empty.rows == [] and empty.page.pages == 1


def test_page_numbers_people_may_type() -> None:
    assert page_number(None) == 1 and page_number("") == 1 and page_number("3") == 3
    for wrong in ("abc", "0", "-1", "1.5", "٣", "9" * 30):
        with pytest.raises(BadPage):
            page_number(wrong)


def test_awareness_in_one_query_agrees_with_the_quiz_statistics(engine: Engine) -> None:
    with Session(engine) as s:
        _, poor, other = _office_of_three(s)
        assert poor.id and other.id
        s.add(Member(enterprise_id=other.id, user_id=9, name="老赵", joined_at=NOW))
        s.commit()
        found = figures.awareness(s, [poor.id, other.id], as_of=NOW)
        one = quiz_stats(s, poor.id, local(2000, 1, 1), NOW)
        before_retest = figures.awareness(s, [poor.id], as_of=local(2026, 12, 4, 12))
    assert found[poor.id].passed == one.aware and found[poor.id].rostered == one.rostered
    assert other.id not in found  # a roster but nobody examined: no figure, not 0%
    assert (before_retest[poor.id].passed, before_retest[poor.id].rostered) == (2, 2)


def test_filters_narrow_by_township_and_authority(engine: Engine) -> None:
    with Session(engine) as s:
        good, poor, other = _office_of_three(s)
        ids = [good.id or 0, poor.id or 0, other.id or 0]
        assert narrow(s, ids, Filters(township="城关镇")) == sorted([good.id or 0, other.id or 0])
        assert narrow(s, ids, Filters("城关镇", "应急管理局")) == [good.id]
        assert narrow(s, [poor.id or 0], Filters(township="城关镇")) == []
        menus = choices(s, [good.id or 0, poor.id or 0])
        assert menus.townships == ["城关镇", "新港街道"]
        assert menus.authorities == ["商务局", "应急管理局"]


def test_attributes_are_cleaned_and_limited(engine: Engine) -> None:
    with Session(engine) as s:
        good, _, _ = _office_of_three(s)
        changed = set_attributes(s, good.id or 0, township="  东湖  街道 ", authority="")
        assert (changed.township, changed.authority) == ("东湖 街道", None)
        with pytest.raises(BadAttribute):
            set_attributes(s, good.id or 0, township="镇" * 61, authority=None)
    with Session(engine) as s:
        stored = s.get(Enterprise, good.id)
        assert stored is not None and stored.township == "东湖 街道"


def test_supervision_lists_overdue_duties_oldest_first_and_overdue_hazards(engine: Engine) -> None:
    with Session(engine) as s:
        good, poor, _ = _office_of_three(s)
        _duty(s, poor, 2, done=False, obligation="weekly-check")
        ids = [good.id or 0, poor.id or 0]
        first = supervision(s, ids, DECEMBER, tz=TZ, now=NOW, page_size=1)
        second = supervision(s, ids, DECEMBER, tz=TZ, now=NOW, page_number=2, page_size=1)
        with pytest.raises(PageGone):
            supervision(s, ids, DECEMBER, tz=TZ, now=NOW, page_number=3, page_size=1)
    (weekly,) = first.items
    assert (weekly.enterprise, weekly.obligation_id, weekly.count) == ("乙商贸", "weekly-check", 1)
    assert weekly.days_overdue == 8 and weekly.officer == "老王"
    (daily,) = second.items
    assert (daily.obligation_id, daily.count, daily.days_overdue) == ("daily-control", 6, 6)
    assert first.page.total == 2
    (late,) = first.hazards  # the major one past its deadline; the general one has none
    assert (late.number, late.days_overdue, late.responsible) == (1, 4, "老王")


def test_enterprise_page_timeline_newest_first_with_evidence(engine: Engine) -> None:
    with Session(engine) as s:
        good, poor, _ = _office_of_three(s)
        occ = _duty(s, good, 9, done=True, obligation="weekly-check", who="老张")
        assert occ.id and good.id and poor.id
        s.add(Evidence(occurrence_id=occ.id, enterprise_id=good.id, user_id=7, kind="photo",
                       file_id="f1", created_at=NOW))  # fmt: skip
        s.add(Evidence(occurrence_id=occ.id, enterprise_id=good.id, user_id=7, kind="note",
                       text="消防通道已清理", created_at=NOW))  # fmt: skip
        hazard = _hazard(s, good, 1, grade="general", day=9)
        s.add(HazardPhoto(hazard_id=hazard.id or 0, stage="found", file_id="p", file_unique_id="u",
                          user_id=8, at=NOW))  # fmt: skip
        s.commit()
        page = enterprise_page(s, good.id, DECEMBER, tz=TZ, now=NOW)
        with pytest.raises(LookupError):
            enterprise_page(s, 9999, DECEMBER, tz=TZ, now=NOW)
    events = page.timeline.events
    assert [(e.kind, e.at.day) for e in events[:4]] == [
        ("duty", 9), ("duty", 9), ("hazard", 9), ("duty", 8)
    ]  # fmt: skip
    weekly = next(e for e in events if e.title == "weekly-check")
    assert weekly.people == ["老张"] and weekly.status == "done"
    assert [(a.kind, a.text) for a in weekly.attachments] == [
        ("photo", None),
        ("note", "消防通道已清理"),
    ]
    assert [a.source for a in events[2].attachments] == ["hazard_photo"]
    assert events[-1].kind == "duty" and events[-1].at.day == 1
    assert any(e.kind == "drill" and e.people == ["老张"] for e in events)
    assert page.timeline.page.total == 12
    assert page.figures.completion == 1.0 and page.enterprise.township == "城关镇"
    weeks = [(b.start.day, b.done, b.overdue, b.open) for b in page.buckets]
    assert weeks == [(30, 6, 0, 0), (7, 4, 0, 0), (14, 0, 0, 0), (21, 0, 0, 0), (28, 0, 0, 0)]


def test_timeline_pages_merge_the_three_kinds_without_gaps(engine: Engine) -> None:
    with Session(engine) as s:
        good, _, _ = _office_of_three(s)
        assert good.id
        _hazard(s, good, 1, grade=None, day=4)
        seen = []
        for number in (1, 2, 3, 4):
            p = enterprise_page(s, good.id, DECEMBER, tz=TZ, now=NOW, page_number=number,
                                page_size=3)  # fmt: skip
            seen += [(e.kind, e.at) for e in p.timeline.events]
        with pytest.raises(PageGone):
            enterprise_page(s, good.id, DECEMBER, tz=TZ, now=NOW, page_number=5, page_size=3)
    assert len(seen) == 11 and seen == sorted(seen, key=lambda k: k[1], reverse=True)


def test_chart_geometry() -> None:
    ring = charts.donut([("done", 3), ("overdue", 1), ("due", 0)])
    assert [round(a.share, 2) for a in ring] == [0.75, 0.25, 0.0]
    assert ring[0].path.startswith("M50.00,5.00") and ring[2].path == ""
    assert charts.donut([("done", 0)]) == []
    full = charts.donut([("done", 5)])
    assert full[0].path.count("A") == 4  # a whole ring is drawn as two halves
    cols = charts.stacked_columns([[3, 1], [0, 0], [12, 0]], ["done", "overdue"], height=100)
    assert cols.top == 20 and cols.columns[2].segments[0].height == 60.0
    assert cols.columns[0].segments[1].y == 80.0  # overdue sits on top of done
    assert cols.columns[1].segments == []
    assert [v for v, _ in cols.ticks] == [0, 5, 10, 15, 20]
    assert [v for v, _ in charts.stacked_columns([[1]], ["x"]).ticks] == [0, 1]
    assert [b.length for b in charts.bars([1.0, 0.5, None])] == [100.0, 50.0, 0.0]


# --- the pages over HTTP: the bot's own web server, logged in with a link from /web ---------


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


def _enterprise_id(bot: LocalBot, group: Group) -> int:
    with bot.ctx.session() as s:
        found = s.exec(select(Enterprise.id).where(Enterprise.chat_id == group.chat_id)).one()
    assert found is not None
    return found


async def _get(http: aiohttp.ClientSession, url: str) -> tuple[int, str]:
    async with http.get(url, allow_redirects=False) as r:
        return r.status, await r.text()


async def _office_desk(desk: DeskBot) -> tuple[list[int], int, JSON]:
    """An office linked to two enterprises (a third exists, not linked); returns their ids,
    the unlinked one's and the officer."""
    bot = desk.bot
    linked = [await _group(bot, 1, "危险化学品", "甲化工有限公司"),
              await _group(bot, 2, "建筑施工", "乙建设集团")]  # fmt: skip
    other = await _group(bot, 3, "商贸", "丙商贸公司")
    officer = bot.emulator.create_user("李科长", username="li_office")
    await office_linked_to(bot, officer, *linked)
    return [_enterprise_id(bot, g) for g in linked], _enterprise_id(bot, other), officer


async def test_office_sees_its_enterprises_and_nothing_else(desk: DeskBot) -> None:
    (first, second), unlinked, officer = await _office_desk(desk)
    base = desk.base + "/desk"
    async with desk.client() as http:
        link, _ = await web_link(desk.bot, officer)
        assert (await _get(http, link))[0] == 200
        status, home = await _get(http, base + "/")
        assert status == 200
        assert "甲化工有限公司" in home and "乙建设集团" in home and "丙商贸公司" not in home
        assert "<svg" in home and "排名" in home and "督办" in home
        status, page = await _get(http, f"{base}/enterprise/{first}")
        assert status == 200 and "甲化工有限公司" in page and "时间线" in page
        status, supervision_page = await _get(http, base + "/supervision")
        assert status == 200 and "逾期" in supervision_page
        for wrong in (f"/enterprise/{unlinked}", "/enterprise/999999", "/enterprise/abc"):
            status, body = await _get(http, base + wrong)
            assert status == 404 and "丙商贸公司" not in body
        assert (await _get(http, base + "/?page=abc"))[0] == 400
        assert (await _get(http, base + "/?page=0"))[0] == 400
        status, body = await _get(http, base + "/?page=2")
        assert status == 404 and "页" in body
        assert (await _get(http, f"{base}/enterprise/{second}?page=99999999"))[0] == 404
        assert (await _get(http, base + "/supervision?period=2026-13"))[0] == 400


async def test_office_files_an_enterprise_by_township_and_filters_by_it(desk: DeskBot) -> None:
    (first, second), unlinked, officer = await _office_desk(desk)
    base = desk.base + "/desk"
    async with desk.client() as http:
        link, _ = await web_link(desk.bot, officer)
        await _get(http, link)
        _, page = await _get(http, f"{base}/enterprise/{first}")
        found = CSRF.search(page)
        assert found
        form = {"township": " 城关镇 ", "authority": "应急管理局"}
        async with http.post(f"{base}/enterprise/{first}/attributes", data=form,
                             allow_redirects=False) as r:  # fmt: skip
            assert r.status == 403  # no CSRF token: refused, nothing changed
        async with http.post(f"{base}/enterprise/{unlinked}/attributes",
                             data=form | {"csrf": found.group(1)}, allow_redirects=False) as r:  # fmt: skip
            assert r.status == 404
        with desk.bot.ctx.session() as s:
            assert all(s.get(Enterprise, i).township is None for i in (first, unlinked))  # type: ignore[union-attr]
        async with http.post(f"{base}/enterprise/{first}/attributes",
                             data=form | {"csrf": found.group(1)}) as r:  # fmt: skip
            assert r.status == 200 and "已保存" in await r.text()
        _, filtered = await _get(http, base + "/?township=城关镇")
        assert "甲化工有限公司" in filtered and "乙建设集团" not in filtered
        _, everyone = await _get(http, base + "/")
        assert "乙建设集团" in everyone and "<option selected>城关镇</option>" in filtered
    assert second


async def test_enterprise_admins_file_their_enterprise_with_profile(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    shown = await group.say(group.admin, "/profile township  城关镇 ")
    assert "乡镇/街道：城关镇" in (shown.text or "") and "已保存" in (shown.text or "")
    shown = await group.say(group.admin, "/profile 主管部门 应急管理局")
    assert "行业主管部门：应急管理局" in (shown.text or "")
    refused = await group.say(group.worker, "/profile township 新港街道")
    assert (refused.text or "").startswith("🔒")
    too_long = await group.say(group.admin, "/profile township " + "镇" * 61)
    assert "最多60个字" in (too_long.text or "")
    with bot.ctx.session() as s:
        stored = s.exec(select(Enterprise).where(Enterprise.chat_id == group.chat_id)).one()
        assert (stored.township, stored.authority) == ("城关镇", "应急管理局")
    cleared = await group.say(group.admin, "/profile township -")
    assert "乡镇/街道：未设置" in (cleared.text or "")
