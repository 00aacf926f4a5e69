"""The quiz's two periodic duties, called from the scheduler tick with the tick's ``now``.

``close_expired_checks`` grades spot checks and retests whose time ran out (unanswered
questions count wrong) and announces the verdicts; ``send_due_retests`` reminds workers in
private, from their retest day on, with a button that starts the timed retest. Both read
only the database, so a restart or a missed tick merely delays them.
"""

from __future__ import annotations

import datetime as dt
import logging

from telegram import Bot

from bot.errors import ChatGone, ChatMoved, RetryLater
from bot.render import Renderer
from bot.services.context import AppContext
from bot.services.quiz import answers as quiz_answers
from bot.services.quiz import checks as quiz_checks
from bot.services.quiz import quizzes
from bot.store.quiz_models import Quiz
from bot.telegram.quiz.flow import announce_verdict, remove_buttons, retest_markup
from bot.telegram.sending import send_html

log = logging.getLogger(__name__)


async def close_expired_checks(
    ctx: AppContext, bot: Bot, renderer: Renderer, now: dt.datetime
) -> int:
    """Grade every exam whose deadline passed; returns how many were closed."""
    bank = quizzes.question_bank(ctx.settings)
    with ctx.session() as session:
        expired = quiz_checks.expired_exams(session, now)
    closed = 0
    for quiz_id in expired:
        with ctx.session() as session:
            quiz = session.get(Quiz, quiz_id)
            pending = quiz_answers.next_unanswered(session, quiz, bank) if quiz else None
            verdict = quiz_checks.close_exam(
                session, quiz_id, now=now, settings=ctx.settings, bank=bank
            )
        if verdict is None:
            continue
        closed += 1
        if pending is not None:  # the question on screen when time ran out loses its buttons
            await remove_buttons(bot, verdict.quiz.chat_id, pending.row.message_id)
        await announce_verdict(bot, ctx, renderer, verdict, expired=True)
    return closed


async def send_due_retests(ctx: AppContext, bot: Bot, renderer: Renderer, now: dt.datetime) -> int:
    """Remind workers whose retest is due (again daily until taken); returns reminders sent."""
    with ctx.session() as session:
        due = quiz_checks.due_retests(session, now=now, bank=quizzes.question_bank(ctx.settings))
    sent = 0
    for item in due:
        quiz, enterprise = item.quiz, item.enterprise
        text = renderer.render(
            quiz.locale,
            "quiz/retest_reminder",
            enterprise=enterprise,
            retraining=item.retraining,
            minutes=ctx.settings.quiz_check_minutes,
            pass_mark=ctx.settings.quiz_pass_mark,
            tz=enterprise.timezone,
        )
        try:
            await send_html(
                bot, quiz.chat_id, text, retest_markup(renderer, quiz.locale, quiz.id or 0)
            )
            await send_html(bot, quiz.chat_id, renderer.render(quiz.locale, "quiz/study_card"))
        except (ChatGone, ChatMoved, RetryLater) as exc:
            log.warning(
                "retest reminder for retraining %s not delivered: %r", item.retraining.id, exc
            )
            continue
        sent += 1
    return sent
