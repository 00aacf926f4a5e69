"""Training hours the bot counts by itself (issue 20): a drill's measured length for everyone who
took part, and half an hour of annual retraining for a passed 逢查必考 spot check; each once.
Both run through the emulator as people use them."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import col, select

from bot.demo.harness import LocalBot
from bot.services.people import ledger
from bot.services.people.credits import credit_drill, credit_spot_check
from bot.store.drill_models import Drill
from bot.store.models import Enterprise
from bot.store.people_models import TrainingRecord
from bot.store.quiz_models import Quiz, SpotCheck
from bot.telegram.drill import live as drill_live
from tests.fakes.group import group_with_bot
from tests.integration.test_drill import RIGHT, _press, _start
from tests.integration.test_quiz import _answer_all, _check_named, _start_private, _with_button


@pytest.fixture(autouse=True)
def fast_headcount(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(drill_live, "HEADCOUNT_EDIT_INTERVAL", 0.0)


def _records(bot: LocalBot) -> list[tuple[str, str, float, str | None]]:
    """(person, category, hours, source_ref) of every training record, by person."""
    with bot.ctx.session() as s:
        rows = s.exec(select(TrainingRecord).order_by(col(TrainingRecord.id))).all()
        names = {p.person_id: p.name for p in _ledger(bot)}
        return sorted((names[r.person_id], r.category, r.hours, r.source_ref) for r in rows)


def _ledger(bot: LocalBot) -> list[ledger.PersonLedger]:
    with bot.ctx.session() as s:
        enterprises = list(s.exec(select(Enterprise)).all())
        today = bot.clock.now().date()
        return ledger.ledger(s, bot.ctx.people_rules, enterprises, today=today)


async def test_a_drills_length_is_counted_for_everyone_who_took_part_once(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    emu, clock = bot.emulator, bot.clock
    li, zhao, absent = (emu.create_user(n) for n in ("李一", "赵四", "钱五"))
    scenario, headcount = await _start(group, "/drill 火灾 生产 3")
    with bot.ctx.session() as s:
        drill = s.exec(select(Drill)).one()
    steps = {cb.rsplit(":", 1)[1]: cb for _, cb in scenario.buttons() if cb}
    for step in RIGHT:  # 李一 runs the five steps
        await _press(group, li, scenario.message_id, steps[step])
    clock.advance(dt.timedelta(minutes=20))
    await _press(group, zhao, headcount.message_id, f"dr:a:{drill.id}")  # 赵四 only arrives
    clock.advance(dt.timedelta(minutes=30))  # ended 50 minutes after the start: one hour
    after = emu.cursor(group.chat_id)
    await _press(group, group.admin, headcount.message_id, f"dr:e:{drill.id}")
    await emu.wait_for_message(group.chat_id, lambda m: "演练报告" in (m.text or ""), after=after)
    ref = f"drill:{drill.id}"
    assert _records(bot) == [("李一", "drill", 1.0, ref), ("赵四", "drill", 1.0, ref)]
    assert absent["first_name"] not in {p.name for p in _ledger(bot)}, "not there, not counted"
    hours = {p.name: p.hours.by_category for p in _ledger(bot)}
    assert hours["李一"] == {"drill": 1.0}
    with bot.ctx.session() as s:
        ended = s.get(Drill, drill.id)
        assert ended is not None
        assert credit_drill(s, bot.ctx.people_rules, ended, clock.now()) == 0, "counted once"
    assert len(_records(bot)) == 2


async def test_a_short_drill_counts_half_an_hour(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    _, headcount = await _start(group, "/drill 火灾 生产 1")
    with bot.ctx.session() as s:
        drill = s.exec(select(Drill)).one()
    await _press(group, group.worker, headcount.message_id, f"dr:a:{drill.id}")
    bot.clock.advance(dt.timedelta(minutes=4))
    after = bot.emulator.cursor(group.chat_id)
    await _press(group, group.admin, headcount.message_id, f"dr:e:{drill.id}")
    await bot.emulator.wait_for_message(
        group.chat_id, lambda m: "演练报告" in (m.text or ""), after=after
    )
    assert [(name, hours) for name, _, hours, _ in _records(bot)] == [("王师傅", 0.5)]


async def test_a_passed_spot_check_counts_annual_hours_once(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    emu, worker = bot.emulator, group.worker
    await group.say(worker, "/join")
    chat = await _start_private(bot, worker)
    after = emu.cursor(chat["id"])
    await _check_named(group, "@wang")
    first = await emu.wait_for_message(chat["id"], _with_button("qz:a:"), after=after)
    last = await _answer_all(bot, worker, first, right=True)
    await emu.wait_for_message(
        chat["id"],
        lambda m: "合格" in (m.text or "") and "暂未" not in (m.text or ""),
        after=last.message_id,
    )
    with bot.ctx.session() as s:
        spot = s.exec(select(SpotCheck)).one()
        quiz = s.exec(select(Quiz).where(Quiz.spot_check_id == spot.id)).one()
    expected = ("王师傅", "annual", 0.5, f"check:{spot.id}:{worker['id']}")
    assert _records(bot) == [expected]
    with bot.ctx.session() as s:
        assert credit_spot_check(s, bot.ctx.people_rules, quiz, bot.clock.now()) is None
    assert _records(bot) == [expected]


async def test_a_failed_spot_check_counts_nothing(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    emu, worker = bot.emulator, group.worker
    await group.say(worker, "/join")
    chat = await _start_private(bot, worker)
    after = emu.cursor(chat["id"])
    await _check_named(group, "@wang")
    first = await emu.wait_for_message(chat["id"], _with_button("qz:a:"), after=after)
    last = await _answer_all(bot, worker, first, right=False)
    await emu.wait_for_message(
        chat["id"], lambda m: "暂未合格" in (m.text or ""), after=last.message_id
    )
    await group.say(group.admin, "/help")  # every update so far handled
    assert _records(bot) == []
