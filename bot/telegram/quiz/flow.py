"""Putting quizzes into Telegram: polls in groups, button questions in private, verdicts.

Shared by the quiz handlers and the tick hooks (``quiz_jobs``), so a question, a result or a
study card looks the same whether a button press or the clock produced it. Every id of what
was sent goes back to the services at once: poll answers and button presses are resolved
from the database, never from memory.
"""

from __future__ import annotations

import logging
from typing import Any, cast

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import TelegramError

from bot.domain import quiz as rules
from bot.errors import ChatGone, ChatMoved, RetryLater
from bot.render import Renderer
from bot.services.context import AppContext
from bot.services.people.credits import credit_spot_check
from bot.services.quiz import checks as quiz_checks
from bot.services.quiz import quizzes
from bot.services.quiz.answers import Verdict
from bot.services.quiz.quizzes import Asked
from bot.store.models import Enterprise
from bot.store.quiz_models import EXAM_KINDS, Quiz, SpotCheck
from bot.telegram.quiz.callbacks import Answer, Offer, Results, StartRetest, Volunteer, encode
from bot.telegram.sending import edit_keyboard, send_html, send_poll

log = logging.getLogger(__name__)

LETTERS = "ABCDEFGHIJKL"


def _tz(ctx: AppContext, enterprise: Enterprise | None) -> str:
    return enterprise.timezone if enterprise else ctx.settings.bot_timezone


def _button(
    renderer: Renderer, locale: str, name: str, data: str, **values: object
) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(renderer.text(locale, name, **values), callback_data=data)]]
    )


def quiz_offer_markup(renderer: Renderer, locale: str, enterprise_id: int) -> InlineKeyboardMarkup:
    """ "📝 run the 逢查必考 check now": for the message confirming a leader inspection."""
    return _button(renderer, locale, "quiz/offer_button", encode(Offer(enterprise_id)))


def volunteer_markup(renderer: Renderer, locale: str, spot_check_id: int) -> InlineKeyboardMarkup:
    return _button(renderer, locale, "quiz/volunteer_button", encode(Volunteer(spot_check_id)))


def results_markup(renderer: Renderer, locale: str, quiz_id: int) -> InlineKeyboardMarkup:
    return _button(renderer, locale, "quiz/results_button", encode(Results(quiz_id)))


def retest_markup(renderer: Renderer, locale: str, quiz_id: int) -> InlineKeyboardMarkup:
    return _button(renderer, locale, "quiz/retest_button", encode(StartRetest(quiz_id)))


def question_text(renderer: Renderer, quiz: Quiz, asked: Asked, tz: str, **extra: object) -> str:
    """The question with lettered options; ``extra`` adds the feedback once it is answered."""
    values: dict[str, object] = {"chosen": None, "correct": None, "recorded": False} | extra
    return renderer.render(
        quiz.locale,
        "quiz/question",
        quiz=quiz,
        asked=asked,
        letters=LETTERS,
        exam=quiz.kind in EXAM_KINDS,
        tz=tz,
        **values,
    )


async def send_question(
    bot: Bot,
    ctx: AppContext,
    renderer: Renderer,
    quiz: Quiz,
    asked: Asked,
    enterprise: Enterprise | None,
) -> None:
    """The next question of a private quiz with A/B/C… buttons; remembers its message id."""
    row_id = asked.row.id or 0
    buttons = [
        InlineKeyboardButton(LETTERS[i], callback_data=encode(Answer(row_id, i)))
        for i in range(len(asked.question.options))
    ]
    text = question_text(renderer, quiz, asked, _tz(ctx, enterprise))
    message = await send_html(bot, quiz.chat_id, text, InlineKeyboardMarkup([buttons]))
    with ctx.session() as session:
        quizzes.attach_sent(
            session, quiz_question_id=row_id, message_id=message.message_id, now=ctx.clock.now()
        )


async def post_group_quiz(
    bot: Bot, ctx: AppContext, renderer: Renderer, enterprise: Enterprise, asked: list[Asked]
) -> None:
    """Non-anonymous quiz polls in the enterprise's language, then the results button."""
    locale = enterprise.locale
    for item in asked:
        q = item.question
        message = await send_poll(
            bot,
            enterprise.chat_id,
            q.question.get(locale),
            [o.get(locale) for o in q.options],
            is_anonymous=False,
            type="quiz",
            correct_option_ids=cast(Any, list(q.correct)),  # bank-checked indexes
            allows_multiple_answers=len(q.correct) > 1,
            explanation=q.explanation.get(locale),
            question_parse_mode=None,
            explanation_parse_mode=None,  # bank texts are plain, not HTML
        )
        assert message.poll is not None
        with ctx.session() as session:
            quizzes.attach_sent(
                session,
                quiz_question_id=item.row.id or 0,
                message_id=message.message_id,
                now=ctx.clock.now(),
                poll_id=message.poll.id,
            )
    quiz_id = asked[0].row.quiz_id
    text = renderer.render(locale, "quiz/group_footer", count=len(asked))
    footer = await send_html(
        bot, enterprise.chat_id, text, results_markup(renderer, locale, quiz_id)
    )
    with ctx.session() as session:
        quizzes.set_quiz_message(session, quiz_id, footer.message_id)


async def deliver_check(
    bot: Bot,
    ctx: AppContext,
    renderer: Renderer,
    spot: SpotCheck,
    enterprise: Enterprise,
    *,
    user_id: int,
    name: str,
    username: str | None,
) -> bool:
    """Open the worker's exam and send it privately; False (and nothing kept) if we cannot."""
    with ctx.session() as session:
        first = quiz_checks.open_check(
            session,
            spot=spot,
            enterprise=enterprise,
            user_id=user_id,
            user_name=name,
            username=username,
            bank=quizzes.question_bank(ctx.settings),
            now=ctx.clock.now(),
            settings=ctx.settings,
        )
        quiz = session.get(Quiz, first.row.quiz_id)
    assert quiz is not None
    intro = renderer.render(
        quiz.locale,
        "quiz/check_intro",
        enterprise=enterprise,
        quiz=quiz,
        count=first.total,
        minutes=ctx.settings.quiz_check_minutes,
        pass_mark=ctx.settings.quiz_pass_mark,
        tz=enterprise.timezone,
    )
    try:
        await send_html(bot, user_id, intro)
        await send_question(bot, ctx, renderer, quiz, first, enterprise)
    except ChatGone:
        with ctx.session() as session:
            quiz_checks.discard(session, quiz.id or 0)
        return False
    return True


async def open_spot_check(
    bot: Bot,
    ctx: AppContext,
    renderer: Renderer,
    spot: SpotCheck,
    enterprise: Enterprise,
    *,
    starter: str,
    people: list[tuple[int, str, str | None]],
    unknown: list[str],
) -> None:
    """Announce the check with the volunteer button, then send the named workers their tests.

    ``people`` are (user id, name, username); those the bot cannot write to privately are
    named in one message asking them to start a chat with the bot and volunteer.
    """
    locale = enterprise.locale
    text = renderer.render(
        locale,
        "quiz/check_announce",
        starter=starter,
        people=people,
        unknown=unknown,
        count=rules.CHECK_QUESTIONS,
        minutes=ctx.settings.quiz_check_minutes,
        pass_mark=ctx.settings.quiz_pass_mark,
    )
    markup = volunteer_markup(renderer, locale, spot.id or 0)
    announcement = await send_html(bot, enterprise.chat_id, text, markup)
    with ctx.session() as session:
        quiz_checks.set_announcement(session, spot.id or 0, announcement.message_id)
    unreachable = [
        name
        for uid, name, username in people
        if not await deliver_check(
            bot, ctx, renderer, spot, enterprise, user_id=uid, name=name, username=username
        )
    ]
    if unreachable:
        text = renderer.render(
            locale, "quiz/check_unreachable", names=unreachable, bot=bot.username
        )
        await send_html(bot, enterprise.chat_id, text)


async def announce_verdict(
    bot: Bot, ctx: AppContext, renderer: Renderer, verdict: Verdict, *, expired: bool = False
) -> None:
    """Tell the person their result (and what to study); tell the group passed / to retrain.

    The group learns only the verdict, never the score or the questions missed.
    """
    quiz, enterprise, outcome = verdict.quiz, verdict.enterprise, verdict.outcome
    locale, tz, exam = quiz.locale, _tz(ctx, enterprise), quiz.kind in EXAM_KINDS
    if exam and outcome.passed:  # a passed spot check counts as annual training hours
        with ctx.session() as session:
            credit_spot_check(session, ctx.people_rules, quiz, ctx.clock.now())
    bank = quizzes.question_bank(ctx.settings)
    missed = [q for q in map(bank.find, outcome.missed) if q is not None]
    parts = [
        renderer.render(
            locale,
            "quiz/result",
            quiz=quiz,
            outcome=outcome,
            exam=exam,
            expired=expired,
            retraining=verdict.retraining,
            pass_mark=ctx.settings.quiz_pass_mark,
            tz=tz,
        )
    ]
    if missed:
        parts.append(renderer.render(locale, "quiz/study", missed=missed, letters=LETTERS))
    if exam and not outcome.passed:
        parts.append(renderer.render(locale, "quiz/study_card"))
    try:
        for part in parts:
            await send_html(bot, quiz.chat_id, part)
    except (ChatGone, ChatMoved, RetryLater) as exc:
        log.warning("quiz %s: result not delivered to the worker: %r", quiz.id, exc)
    if exam and enterprise is not None:
        text = renderer.render(
            enterprise.locale,
            "quiz/group_verdict",
            quiz=quiz,
            passed=outcome.passed,
            retraining=verdict.retraining,
            tz=enterprise.timezone,
        )
        try:
            await send_html(bot, enterprise.chat_id, text)
        except (ChatGone, ChatMoved, RetryLater) as exc:
            log.warning("quiz %s: verdict not posted to the group: %r", quiz.id, exc)


async def remove_buttons(bot: Bot, chat_id: int, message_id: int | None) -> None:
    """Take the answer buttons off a question whose quiz is over (best effort)."""
    if message_id is None:
        return
    try:
        await edit_keyboard(bot, chat_id, message_id, None)
    except TelegramError as exc:  # cosmetic: presses on a finished quiz are refused anyway
        log.debug("could not remove quiz buttons: %r", exc)
