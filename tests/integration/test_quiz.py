"""逢查必考 end to end: group quiz polls, private quizzes, spot checks, retraining and retests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import col, func, select

from bot.demo.harness import LocalBot
from bot.emulator import BotMessage
from bot.quiz import Question
from bot.services.quiz.quizzes import question_bank
from bot.store.models import Enterprise
from bot.store.quiz_models import Quiz, QuizAnswer, QuizQuestion, Retraining, SpotCheck
from bot.telegram.quiz.flow import quiz_offer_markup
from bot.telegram.quiz.jobs import close_expired_checks, send_due_retests
from tests.fakes.group import Group, group_with_bot, say_privately

JSON = dict[str, Any]


def _with_button(prefix: str):  # type: ignore[no-untyped-def]
    return lambda m: any((cb or "").startswith(prefix) for _, cb in m.buttons())


def _question(bot: LocalBot, message: BotMessage) -> tuple[QuizQuestion, Question]:
    """The quiz question a private message's answer buttons belong to, and its bank entry."""
    data = next(cb for _, cb in message.buttons() if cb and cb.startswith("qz:a:"))
    with bot.ctx.session() as s:
        row = s.get_one(QuizQuestion, int(data.split(":")[2]))
    return row, question_bank(bot.ctx.settings).by_id(row.question_id)


def _answers(bot: LocalBot) -> list[QuizAnswer]:
    with bot.ctx.session() as s:
        return list(s.exec(select(QuizAnswer).order_by(col(QuizAnswer.id))).all())


def _retrainings(bot: LocalBot) -> list[Retraining]:
    with bot.ctx.session() as s:
        return list(s.exec(select(Retraining)).all())


async def _start_private(bot: LocalBot, user: JSON) -> JSON:
    emu = bot.emulator
    chat = emu.private_chat(user)
    after = emu.cursor(chat["id"])
    emu.send_text(chat, user, "/start")
    await emu.wait_for_message(chat["id"], after=after)
    return chat


async def _answer_all(
    bot: LocalBot, user: JSON, first: BotMessage, *, right: bool, count: int = 5
) -> BotMessage:
    """Answer ``count`` questions in the user's private chat; returns the last question."""
    emu, chat = bot.emulator, bot.emulator.private_chat(user)
    message = first
    for i in range(count):
        row, question = _question(bot, message)
        option = question.correct[0] if right else (question.correct[0] + 1) % len(question.options)
        after = emu.cursor(chat["id"])
        press = emu.press_button(chat, user, message.message_id, data=f"qz:a:{row.id}:{option}")
        await emu.wait_for_callback_answer(press)
        if i < count - 1:
            message = await emu.wait_for_message(chat["id"], _with_button("qz:a:"), after=after)
    return message


async def _settled(group: Group) -> None:
    """Wait until every update so far was handled: /help is answered after them, in order."""
    await group.say(group.admin, "/help")


async def test_group_quiz_three_users_each_vote_attributed(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    emu = bot.emulator
    li = emu.create_user("李工", username="li")
    after = emu.cursor(group.chat_id)
    emu.send_text(group.chat, group.admin, "/quiz 3")
    footer = await emu.wait_for_message(group.chat_id, _with_button("qz:r:"), after=after)
    polls = [m for m in emu.sent(group.chat_id) if m.message_id > after and m.poll]
    assert len(polls) == 3
    bank = question_bank(bot.ctx.settings)
    with bot.ctx.session() as s:
        rows = {r.poll_id: r for r in s.exec(select(QuizQuestion)).all()}
    for message in polls:
        poll = message.poll
        assert poll is not None
        assert (poll["type"], poll["is_anonymous"]) == ("quiz", False)
        question = bank.by_id(rows[poll["id"]].question_id)
        assert poll["question"] == question.question.zh_CN  # the enterprise's language
        assert poll["correct_option_ids"] == list(question.correct)
        assert poll["explanation"] == question.explanation.zh_CN
    for message in polls:
        poll = message.poll
        assert poll is not None
        right = poll["correct_option_ids"]
        emu.answer_poll(poll["id"], group.admin, right)
        emu.answer_poll(poll["id"], group.worker, [(right[0] + 1) % len(poll["options"])])
    first = polls[0].poll
    assert first is not None
    emu.answer_poll(first["id"], li, first["correct_option_ids"])
    await emu.wait_for(lambda: len(_answers(bot)) == 7)
    by_user = {(a.user_id, a.user_name): [] for a in _answers(bot)}  # type: ignore[var-annotated]
    for a in _answers(bot):
        by_user[(a.user_id, a.user_name)].append(a.correct)
    assert by_user == {
        (group.admin["id"], "张主任"): [True] * 3,
        (group.worker["id"], "王师傅"): [False] * 3,
        (li["id"], "李工"): [True],
    }
    with bot.ctx.session() as s:
        enterprise = s.exec(select(Enterprise)).one()
    assert {a.enterprise_id for a in _answers(bot)} == {enterprise.id}

    press = emu.press_button(group.chat, li, footer.message_id, data=f"qz:r:{_quiz_id(bot)}")
    await emu.wait_for_callback_answer(press)
    results = await emu.wait_for(
        lambda: (
            "李工" in (emu.message(group.chat_id, footer.message_id).text or "")
            and emu.message(group.chat_id, footer.message_id)
        )
    )
    lines = (results.text or "").splitlines()
    assert any("张主任" in line and "答 3 题，对 3 题" in line for line in lines)
    assert any("王师傅" in line and "答 3 题，对 0 题" in line for line in lines)
    assert any("李工" in line and "答 1 题，对 1 题" in line for line in lines)
    assert [line[:2] for line in lines[1:]] == ["1.", "2.", "3."]
    assert "张主任" in lines[1]


def _quiz_id(bot: LocalBot) -> int:
    with bot.ctx.session() as s:
        return s.exec(select(func.max(Quiz.id))).one() or 0


async def test_answers_to_unknown_polls_and_forged_buttons_change_nothing(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    emu = bot.emulator
    emu.store.enqueue(
        "poll_answer",
        {
            "poll_id": "424242",
            "user": emu.store.users[group.worker["id"]],
            "option_ids": [0],
            "option_persistent_ids": ["0"],
        },
    )
    await _settled(group)
    assert _answers(bot) == []
    message = (await group.say(group.admin, "/help")).message_id
    for data in ("qz:r:999", "qz:v:999", "qz:g:1", "qz:a:1:0", "qz:o:999", "qz:x", "qz:a:01:0"):
        answer = await emu.wait_for_callback_answer(
            emu.press_raw(group.chat, group.admin, message, data)
        )
        assert answer.get("show_alert"), data
    assert "失效" in answer.get("text", "")
    with bot.ctx.session() as s:
        assert s.exec(select(func.count()).select_from(SpotCheck)).one() == 0
        assert s.exec(select(func.count()).select_from(Quiz)).one() == 0


async def test_private_quiz_buttons_feedback_and_missed_first(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    await group.say(group.worker, "/join")
    emu, worker = bot.emulator, group.worker
    chat = await _start_private(bot, worker)
    after = emu.cursor(chat["id"])
    emu.send_text(chat, worker, "/quiz")
    first = await emu.wait_for_message(chat["id"], _with_button("qz:a:"), after=after)
    assert "第 1 / 5 题" in (first.text or "")
    row, question = _question(bot, first)
    assert question in question_bank(bot.ctx.settings).for_sector("hazardous_chemicals")
    wrong = (question.correct[0] + 1) % len(question.options)
    after = emu.cursor(chat["id"])
    emu.press_button(chat, worker, first.message_id, data=f"qz:a:{row.id}:{wrong}")
    edited = await emu.wait_for(
        lambda: (
            "答错了" in (emu.message(chat["id"], first.message_id).text or "")
            and emu.message(chat["id"], first.message_id)
        )
    )
    assert question.explanation.zh_CN in (edited.text or "")
    assert edited.buttons() == []
    second = await emu.wait_for_message(chat["id"], _with_button("qz:a:"), after=after)

    # the same button again, someone else's button, a malformed one: refused, nothing recorded
    again = emu.press_raw(chat, worker, first.message_id, f"qz:a:{row.id}:{question.correct[0]}")
    assert "已经答过" in (await emu.wait_for_callback_answer(again)).get("text", "")
    admin_chat = await _start_private(bot, group.admin)
    admin_msg = emu.sent(admin_chat["id"])[-1].message_id
    nxt = (row.id or 0) + 1  # the worker's current question, pressed by someone else
    forged = emu.press_raw(admin_chat, group.admin, admin_msg, f"qz:a:{nxt}:0")
    assert (await emu.wait_for_callback_answer(forged)).get("show_alert")
    ahead = emu.press_raw(chat, worker, second.message_id, f"qz:a:{nxt + 1}:0")  # not asked yet
    assert "失效" in (await emu.wait_for_callback_answer(ahead)).get("text", "")
    assert [(a.user_id, a.correct) for a in _answers(bot)] == [(worker["id"], False)]

    last = await _answer_all(bot, worker, second, right=True, count=4)
    done = await emu.wait_for_message(
        chat["id"], lambda m: "完成" in (m.text or ""), after=last.message_id
    )
    assert "答对 4 / 5 题" in (done.text or "")
    review = await emu.wait_for_message(
        chat["id"], lambda m: "需要复习" in (m.text or ""), after=last.message_id
    )
    assert question.explanation.zh_CN in (review.text or "")

    after = emu.cursor(chat["id"])
    emu.send_text(chat, worker, "/quiz")
    again_first = await emu.wait_for_message(chat["id"], _with_button("qz:a:"), after=after)
    assert _question(bot, again_first)[1].id == question.id  # missed first


async def _check_named(group: Group, *names: str) -> BotMessage:
    return await group.say(group.admin, "/check " + " ".join(names), expect="逢查必考")


async def test_spot_check_fail_retrain_retest_pass(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    emu, clock, worker = bot.emulator, bot.clock, group.worker
    await group.say(worker, "/join")
    chat = await _start_private(bot, worker)
    after_private = emu.cursor(chat["id"])
    after_group = emu.cursor(group.chat_id)
    announcement = await _check_named(group, "@wang")
    assert "王师傅" in (announcement.text or "")
    assert _with_button("qz:v:")(announcement)
    first = await emu.wait_for_message(chat["id"], _with_button("qz:a:"), after=after_private)
    assert "截止" in (first.text or "")
    last = await _answer_all(bot, worker, first, right=False)
    result = await emu.wait_for_message(
        chat["id"], lambda m: "暂未合格" in (m.text or ""), after=last.message_id
    )
    assert "0 / 5" in (result.text or "")
    card = await emu.wait_for_message(
        chat["id"], lambda m: "🪪" in (m.text or ""), after=last.message_id
    )
    assert "关：" in (card.text or "") and "第五十五条" in (card.text or "")
    study = [m for m in emu.sent(chat["id"]) if "需要复习" in (m.text or "")]
    assert len(study) == 1 and (study[0].text or "").count("💡") == 5
    verdict = await emu.wait_for_message(
        group.chat_id, lambda m: "需再培训" in (m.text or ""), after=after_group
    )
    assert "0 / 5" not in (verdict.text or "") and "答对" not in (verdict.text or "")

    refused = await group.say(worker, "/retrain")
    assert "管理员" in (refused.text or "")
    listing = await group.say(group.admin, "/retrain", expect="再培训与补考")
    assert "王师傅" in (listing.text or "") and "知晓率：0%" in (listing.text or "")
    [item] = _retrainings(bot)
    assert item.due_at == clock.now() + dt.timedelta(days=7)

    assert (
        await send_due_retests(
            bot.ctx, bot.app.bot, bot.runtime.renderer, clock.now() + dt.timedelta(days=6)
        )
        == 0
    )
    clock.advance(dt.timedelta(days=7))
    after_private = emu.cursor(chat["id"])
    assert await send_due_retests(bot.ctx, bot.app.bot, bot.runtime.renderer, clock.now()) == 1
    assert await send_due_retests(bot.ctx, bot.app.bot, bot.runtime.renderer, clock.now()) == 0
    reminder = await emu.wait_for_message(chat["id"], _with_button("qz:g:"), after=after_private)
    assert "补考时间到了" in (reminder.text or "")
    data = next(cb for _, cb in reminder.buttons() if cb)
    await emu.wait_for_callback_answer(
        emu.press_button(chat, worker, reminder.message_id, data=data)
    )
    first = await emu.wait_for_message(chat["id"], _with_button("qz:a:"), after=reminder.message_id)
    missed_before = {a.question_id for a in _answers(bot) if not a.correct}
    assert _question(bot, first)[1].id in missed_before  # missed first
    after_group = emu.cursor(group.chat_id)
    last = await _answer_all(bot, worker, first, right=True)
    passed = await emu.wait_for_message(
        chat["id"],
        lambda m: "合格" in (m.text or "") and "暂未" not in (m.text or ""),
        after=last.message_id,
    )
    assert "再培训已完成" in (passed.text or "")
    await emu.wait_for_message(
        group.chat_id, lambda m: "通过了补考" in (m.text or ""), after=after_group
    )
    listing = await group.say(group.admin, "/retrain", expect="再培训与补考")
    assert "目前没有待补考人员" in (listing.text or "") and "知晓率：100%" in (listing.text or "")
    assert _retrainings(bot)[0].passed_at == clock.now()

    me = await say_privately(bot, worker, "/me")
    assert "补考：答对" in (me.text or "") and "逢查必考：答对 0/5 题" in (me.text or "")


async def test_check_time_limit_volunteers_and_unreachable(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    emu, clock, worker = bot.emulator, bot.clock, group.worker
    li = emu.create_user("李工", username="li")
    await group.say(li, "/join")
    chat = await _start_private(bot, worker)
    after_group = emu.cursor(group.chat_id)
    announcement = await _check_named(group, "@li", "@nobody")
    assert "@nobody" in (announcement.text or "")
    unreachable = await emu.wait_for_message(
        group.chat_id,
        lambda m: "李工" in (m.text or "") and "Start" in (m.text or ""),
        after=after_group,
    )
    assert unreachable.message_id > announcement.message_id
    with bot.ctx.session() as s:
        assert s.exec(select(func.count()).select_from(Quiz)).one() == 0  # nothing kept for li

    volunteer = emu.press_button(
        group.chat, worker, announcement.message_id, data=f"qz:v:{_spot(bot)}"
    )
    assert "私聊" in (await emu.wait_for_callback_answer(volunteer)).get("text", "")
    first = await emu.wait_for_message(chat["id"], _with_button("qz:a:"), after=0)
    twice = emu.press_button(group.chat, worker, announcement.message_id, data=f"qz:v:{_spot(bot)}")
    assert "已经领取" in (await emu.wait_for_callback_answer(twice)).get("text", "")
    cannot = emu.press_button(group.chat, li, announcement.message_id, data=f"qz:v:{_spot(bot)}")
    assert "Start" in (await emu.wait_for_callback_answer(cannot)).get("text", "")

    row, question = _question(bot, first)
    await emu.wait_for_callback_answer(
        emu.press_button(
            chat, worker, first.message_id, data=f"qz:a:{row.id}:{question.correct[0]}"
        )
    )
    second = await emu.wait_for_message(chat["id"], _with_button("qz:a:"), after=first.message_id)
    pending, _ = _question(bot, second)
    await _settled(group)  # the bot has recorded which message carries the second question
    clock.advance(dt.timedelta(minutes=9))
    assert await close_expired_checks(bot.ctx, bot.app.bot, bot.runtime.renderer, clock.now()) == 0
    clock.advance(dt.timedelta(minutes=1))
    after_group = emu.cursor(group.chat_id)
    assert await close_expired_checks(bot.ctx, bot.app.bot, bot.runtime.renderer, clock.now()) == 1
    result = await emu.wait_for_message(
        chat["id"], lambda m: "时间到" in (m.text or ""), after=second.message_id
    )
    assert "1 / 5" in (result.text or "")
    assert emu.message(chat["id"], second.message_id).buttons() == []
    await emu.wait_for_message(
        group.chat_id, lambda m: "王师傅 需再培训" in (m.text or ""), after=after_group
    )
    with bot.ctx.session() as s:
        quiz = s.exec(select(Quiz)).one()
    assert (quiz.correct, quiz.total, quiz.passed) == (1, 5, False)
    assert sum(1 for a in _answers(bot) if a.chosen is None) == 4  # unanswered count wrong
    late = emu.press_raw(chat, worker, second.message_id, f"qz:a:{pending.id}:0")
    assert "已结束" in (await emu.wait_for_callback_answer(late)).get("text", "")


def _spot(bot: LocalBot) -> int:
    with bot.ctx.session() as s:
        return s.exec(select(func.max(SpotCheck.id))).one() or 0


async def test_non_manager_check_refused_and_inspection_offer(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    emu = bot.emulator
    refused = await group.say(group.worker, "/check @zhang")
    assert "管理员" in (refused.text or "")
    assert _spot(bot) == 0
    with bot.ctx.session() as s:
        enterprise = s.exec(select(Enterprise)).one()
    markup = quiz_offer_markup(bot.runtime.renderer, "zh_CN", enterprise.id or 0)
    offer = await bot.app.bot.send_message(group.chat_id, "✅", reply_markup=markup)
    [(label, data)] = emu.message(group.chat_id, offer.message_id).buttons()
    assert "逢查必考" in label and data == f"qz:o:{enterprise.id}"
    worker_press = emu.press_button(group.chat, group.worker, offer.message_id, data=data)
    assert (await emu.wait_for_callback_answer(worker_press)).get("show_alert")
    forged = emu.press_raw(
        group.chat, group.admin, offer.message_id, f"qz:o:{(enterprise.id or 0) + 1}"
    )
    assert (await emu.wait_for_callback_answer(forged)).get("show_alert")
    assert _spot(bot) == 0
    after = emu.cursor(group.chat_id)
    emu.press_button(group.chat, group.admin, offer.message_id, data=data)
    announcement = await emu.wait_for_message(group.chat_id, _with_button("qz:v:"), after=after)
    assert "逢查必考" in (announcement.text or "") and _spot(bot) == 1
