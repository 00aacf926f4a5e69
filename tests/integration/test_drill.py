"""Drills end to end through the emulator: /drill, the five steps, roll-call, report, photo."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlmodel import col, select

from bot.demo.harness import LocalBot
from bot.emulator import BotMessage
from bot.store.drill_models import Drill, DrillMuster, DrillStep
from bot.store.models import Confirmation, Evidence, Member, OccurrenceRow
from bot.telegram.drill import live as drill_live
from bot.telegram.drill.handlers import end_stale_drills
from tests.conftest import local
from tests.fakes.group import Group, group_with_bot

JSON = dict[str, Any]
RIGHT = ("shut", "avoid", "shout", "report", "help")


@pytest.fixture(autouse=True)
def fast_headcount(monkeypatch: pytest.MonkeyPatch) -> None:
    """Edit the headcount at once (the 3 s coalescing has a test of its own)."""
    monkeypatch.setattr(drill_live, "HEADCOUNT_EDIT_INTERVAL", 0.0)


def _with_button(prefix: str):  # type: ignore[no-untyped-def]
    return lambda m: any((cb or "").startswith(prefix) for _, cb in m.buttons())


async def _start(group: Group, text: str = "/drill 火灾 生产 5") -> tuple[BotMessage, BotMessage]:
    """The admin starts a drill; returns (scenario message, headcount message)."""
    emu = group.bot.emulator
    after = emu.cursor(group.chat_id)
    emu.send_text(group.chat, group.admin, text)
    scenario = await emu.wait_for_message(group.chat_id, _with_button("dr:s:"), after=after)
    headcount = await emu.wait_for_message(group.chat_id, _with_button("dr:a:"), after=after)
    return scenario, headcount


async def _press(group: Group, user: JSON, message_id: int, data: str) -> JSON:
    emu = group.bot.emulator
    return await emu.wait_for_callback_answer(
        emu.press_button(group.chat, user, message_id, data=data)
    )


def _drill(bot: LocalBot) -> Drill:
    with bot.ctx.session() as s:
        return s.exec(select(Drill)).one()


async def test_drill_with_five_people_report_photo_confirms_evacuation(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    emu, clock = bot.emulator, bot.clock
    people = [emu.create_user(n) for n in ("李一", "王二", "张三", "赵四", "钱五")]
    scenario, headcount = await _start(group)
    drill = _drill(bot)
    assert "火灾" in (scenario.text or "") and "生产区域" in (scenario.text or "")
    assert any("关" in label and "断电" in label for label, _ in scenario.buttons())
    steps = {cb.rsplit(":", 1)[1]: cb for _, cb in scenario.buttons() if cb}
    assert set(steps) == set(RIGHT) and [s for s in steps] != list(RIGHT), "buttons are shuffled"

    wrong_order = ("avoid", "shut", "shout", "report", "help")  # 王二 runs before shutting off
    for person in people:
        order = wrong_order if person["first_name"] == "王二" else RIGHT
        for step in order:
            clock.advance(dt.timedelta(seconds=7))
            answer = await _press(group, person, scenario.message_id, steps[step])
            if person["first_name"] == "王二" and step == "avoid":
                assert answer.get("show_alert") and "先“关”" in answer.get("text", "")
            else:
                assert not answer.get("show_alert"), answer
    for person in people[:4]:  # 钱五 never reaches the assembly point
        clock.advance(dt.timedelta(seconds=30))
        answer = await _press(group, person, headcount.message_id, f"dr:a:{drill.id}")
        assert "已清点" in answer.get("text", "")
    live = await emu.wait_for(
        lambda: (
            "4 / 5" in (emu.message(group.chat_id, headcount.message_id).text or "")
            and emu.message(group.chat_id, headcount.message_id)
        )
    )
    assert "钱五" in (live.text or "")

    clock.advance(dt.timedelta(minutes=3))
    after = emu.cursor(group.chat_id)
    await _press(group, group.admin, headcount.message_id, f"dr:e:{drill.id}")
    report = await emu.wait_for_message(
        group.chat_id, lambda m: "演练报告" in (m.text or ""), after=after
    )
    text = report.text or ""
    print("\n--- drill report ---\n" + text + "\n---")
    for expected in (
        "火灾",
        "生产区域",
        "参演人数：5",
        "已清点：4 / 5",
        "钱五",
        "王二：避 → 关",
        "顺序错误",
        "疏散逃生演练、生产安全事故应急演练",  # Hubei: one evacuation drill for the site
    ):
        assert expected in text, (expected, text)
    assert "至最后一人清点到位用时：4分55秒" in text  # 25 presses of 7 s, then 4 arrivals of 30 s
    assert emu.message(group.chat_id, scenario.message_id).buttons() == [], "no more step buttons"

    after = emu.cursor(group.chat_id)
    emu.send_photo(group.chat, group.admin, reply_to=report.message_id)
    saved = await emu.wait_for_message(group.chat_id, after=after)
    assert "已确认" in (saved.text or "") and "疏散逃生演练" in (saved.text or "")
    print(saved.text)
    with bot.ctx.session() as s:
        evacuation = s.exec(
            select(OccurrenceRow).where(
                OccurrenceRow.obligation_id == "evacuation-drill",
                col(OccurrenceRow.area).is_(None),  # Hubei: one drill for the whole site
                OccurrenceRow.window_start <= dt.date(2026, 12, 1),
                OccurrenceRow.window_end >= dt.date(2026, 12, 1),
            )
        ).one()
        assert evacuation.status == "done"
        confirmers = s.exec(
            select(Confirmation).where(Confirmation.occurrence_id == evacuation.id)
        ).all()
        assert [c.user_id for c in confirmers] == [group.admin["id"]]
        photos = s.exec(select(Evidence).where(Evidence.occurrence_id == evacuation.id)).all()
        assert [p.kind for p in photos] == ["photo"] and photos[0].file_id
        stored = s.get(Drill, drill.id)
        assert (
            stored is not None
            and stored.status == "confirmed"
            and stored.occurrence_id == evacuation.id
        )
        wrong = s.exec(select(DrillStep).where(DrillStep.in_order == False)).all()  # noqa: E712
        assert [(w.user_name, w.step) for w in wrong] == [("王二", "avoid")]
        roster = {m.name for m in s.exec(select(Member)).all()}
        assert {"李一", "王二", "张三", "赵四", "钱五"} <= roster


async def test_roll_call_without_a_roster_says_so_plainly(bot: LocalBot) -> None:
    """Nobody has joined yet: the roll-call asks for /join instead of counting strangers."""
    group = await group_with_bot(bot)
    await group.setup()
    emu = bot.emulator
    _, headcount = await _start(group, "/drill 火灾 生产 3")
    text = headcount.text or ""
    assert "已清点：0 / 3 人" in text, text
    assert "名单中还没有人，无法列出未到人员：请大家发送 /join 加入名单。" in text, text
    assert "不在名单上" not in text and "0 / 0" not in text, text

    after = emu.cursor(group.chat_id)
    await _press(group, group.admin, headcount.message_id, f"dr:e:{_drill(bot).id}")
    report = await emu.wait_for_message(
        group.chat_id, lambda m: "演练报告" in (m.text or ""), after=after
    )
    assert "有 3 名应到人员未清点。名单中还没有人，无法列出姓名" in (report.text or ""), report.text


async def test_forged_and_stale_drill_buttons_change_nothing(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    emu = bot.emulator
    scenario, headcount = await _start(group)
    drill = _drill(bot)
    for data in (f"dr:s:{drill.id}:bogus", "dr:s:999:shut", f"dr:a:{drill.id}x", "dr:k:1"):
        press = emu.press_raw(group.chat, group.worker, headcount.message_id, data)
        assert (await emu.wait_for_callback_answer(press)).get("show_alert"), data
    # the worker (not an admin) may neither end the drill nor mark people
    answer = await _press(group, group.worker, headcount.message_id, f"dr:e:{drill.id}")
    assert "管理员" in answer.get("text", "")
    mark = f"dr:k:{drill.id}:{group.admin['id']}"
    press = emu.press_raw(group.chat, group.worker, headcount.message_id, mark)
    assert "管理员" in (await emu.wait_for_callback_answer(press)).get("text", "")
    # this chat's drill pressed from another chat changes nothing
    stranger = emu.create_user("外人")
    other = emu.create_group("别的群", admins=[stranger])
    after = emu.cursor(other["id"])
    emu.add_bot_to_group(other, by=stranger)
    greeting = await emu.wait_for_message(other["id"], after=after)
    for data in (f"dr:a:{drill.id}", f"dr:s:{drill.id}:shut", f"dr:e:{drill.id}"):
        press = emu.press_raw(other, stranger, greeting.message_id, data)
        assert (await emu.wait_for_callback_answer(press)).get("show_alert"), data
    with bot.ctx.session() as s:
        assert s.exec(select(DrillStep)).all() == [] and s.exec(select(DrillMuster)).all() == []
        assert s.get(Drill, drill.id).status == "running"  # type: ignore[union-attr]
    # after the end, a stale step button records nothing
    await group.say(group.admin, "/drill end")
    press = emu.press_raw(group.chat, group.worker, scenario.message_id, f"dr:s:{drill.id}:shut")
    assert "已结束" in (await emu.wait_for_callback_answer(press)).get("text", "")
    with bot.ctx.session() as s:
        assert s.exec(select(DrillStep)).all() == []
        assert s.get(Drill, drill.id).status == "ended"  # type: ignore[union-attr]


async def test_non_manager_cannot_start_a_drill(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    reply = await group.say(group.worker, "/drill 火灾 生产 5")
    assert "管理员" in (reply.text or "")
    with bot.ctx.session() as s:
        assert s.exec(select(Drill)).all() == []


async def test_private_practice_gives_feedback(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    assert "私聊" in ((await group.say(group.worker, "/practice")).text or "")
    emu = bot.emulator
    worker = emu.create_user("王师傅")
    chat = emu.private_chat(worker)
    emu.send_text(chat, worker, "/start")
    await emu.wait_for_message(worker["id"])
    after = emu.cursor(worker["id"])
    emu.send_text(chat, worker, "/practice 有限空间")
    practice = await emu.wait_for_message(worker["id"], _with_button("dr:p:"), after=after)
    assert "有限空间" in (practice.text or "")
    steps = {cb.rsplit(":", 1)[1]: cb for _, cb in practice.buttons() if cb}
    first = await emu.wait_for_callback_answer(
        emu.press_button(chat, worker, practice.message_id, data=steps["avoid"])
    )
    assert first.get("show_alert") and "关" in first["text"], first
    for step in RIGHT:
        bot.clock.advance(dt.timedelta(seconds=4))
        await emu.wait_for_callback_answer(
            emu.press_button(chat, worker, practice.message_id, data=steps[step])
        )
    done = await emu.wait_for(
        lambda: _with_button("dr:q:")(m := emu.message(worker["id"], practice.message_id)) and m
    )
    text = done.text or ""
    assert "顺序错误" in text and "避 → 关" in text and "不下井" in text, text
    assert [cb for _, cb in done.buttons()] == ["dr:q:confined_space"], "practise again"


async def test_guided_drill_start_with_buttons(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    emu = bot.emulator
    chooser = await group.say(group.admin, "/drill")
    labels = [label for label, _ in chooser.buttons()]
    assert "火灾" in labels and "危险化学品泄漏" in labels and "粉尘爆炸" not in labels
    await emu.wait_for_callback_answer(
        emu.press_button(
            group.chat, group.admin, chooser.message_id, data="dr:n:chemical_spill:-:0"
        )
    )
    areas = await emu.wait_for(
        lambda: (m := emu.message(group.chat_id, chooser.message_id)).edits and m
    )
    assert ("办公区域", "dr:n:chemical_spill:office:0") in areas.buttons()
    after = emu.cursor(group.chat_id)
    emu.press_button(
        group.chat, group.admin, chooser.message_id, data="dr:n:chemical_spill:office:0"
    )
    scenario = await emu.wait_for_message(group.chat_id, _with_button("dr:s:"), after=after)
    headcount = await emu.wait_for_message(group.chat_id, _with_button("dr:a:"), after=after)
    assert "危险化学品泄漏" in (scenario.text or "") and "已清点：0 人" in (headcount.text or "")
    drill = _drill(bot)
    assert (drill.scenario, drill.area, drill.expected_count) == ("chemical_spill", "office", None)
    again = await group.say(group.admin, "/drill 火灾 生产")
    assert "正在进行" in (again.text or "")


async def test_stale_drill_ends_after_an_hour_with_a_report(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    _, headcount = await _start(group, "/drill 电气火灾 办公")
    await group.say(group.worker, "/drill stats")  # updates run in order: the start is done
    drill = _drill(bot)
    app = bot.app
    assert (
        await end_stale_drills(bot.ctx, app.bot, bot.runtime.renderer, local(2026, 12, 1, 8, 59))
        == 0
    )
    after = bot.emulator.cursor(group.chat_id)
    assert (
        await end_stale_drills(bot.ctx, app.bot, bot.runtime.renderer, local(2026, 12, 1, 9, 0))
        == 1
    )
    report = await bot.emulator.wait_for_message(group.chat_id, after=after)
    assert "演练报告" in (report.text or "") and "电气火灾" in (report.text or "")
    assert bot.emulator.message(group.chat_id, headcount.message_id).buttons() == []
    assert _drill(bot).status == "ended" and drill.id == _drill(bot).id


async def test_headcount_edits_are_coalesced(
    bot: LocalBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(drill_live, "HEADCOUNT_EDIT_INTERVAL", 0.5)
    group = await group_with_bot(bot)
    await group.setup()
    emu = bot.emulator
    _, headcount = await _start(group, "/drill 火灾 生产 6")
    drill = _drill(bot)
    people = [emu.create_user(f"工人{i}") for i in range(6)]
    for person in people:
        await _press(group, person, headcount.message_id, f"dr:a:{drill.id}")
    final = await emu.wait_for(
        lambda: (
            "6 / 6" in (emu.message(group.chat_id, headcount.message_id).text or "")
            and emu.message(group.chat_id, headcount.message_id)
        )
    )
    edits = [
        c
        for c in emu.calls
        if c.method == "editMessageText" and c.params.get("message_id") == final.message_id
    ]
    assert 1 <= len(edits) < len(people), [c.params.get("text") for c in edits]
    assert all(c.ok for c in emu.calls if c.method.startswith("edit")), (
        "no 'message is not modified'"
    )


async def test_drill_stats_after_a_drill(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    _, headcount = await _start(group, "/drill 火灾 生产 2")
    drill = _drill(bot)
    bot.clock.advance(dt.timedelta(seconds=90))
    await _press(group, group.worker, headcount.message_id, f"dr:a:{drill.id}")
    await group.say(group.admin, "/drill end")
    stats = await group.say(group.worker, "/drill stats")
    text = stats.text or ""
    assert "生产区域：1" in text and "50%" in text and "1分30秒" in text, text


async def test_a_fireworks_fire_drill_evacuates_and_never_fights_the_fire(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    await group.setup("烟花爆竹", "某某烟花有限公司")
    scenario, _ = await _start(group, "/drill 火灾 生产 5")
    assert "烟花爆竹着火" in (scenario.text or "")
    labels = " ".join(label for label, _ in scenario.buttons())
    assert "不扑救" in labels and "灭火器" not in labels
