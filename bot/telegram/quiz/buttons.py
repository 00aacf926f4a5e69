"""The ``qz:`` buttons: answers in private quizzes, group results, volunteers, retests.

Every press is decoded strictly and re-checked by the services against the chat and the
person who pressed; whatever does not fit is answered with a short alert and changes nothing.
"""

from __future__ import annotations

from telegram import Update

from bot.errors import DomainError, NotManager, StaleButton
from bot.services.enterprises import require_active
from bot.services.quiz import answers as quiz_answers
from bot.services.quiz import checks as quiz_checks
from bot.services.quiz import quizzes
from bot.services.quiz import stats as quiz_stats
from bot.store.models import Enterprise
from bot.store.quiz_models import EXAM_KINDS, Quiz
from bot.telegram.common import Context, answer_error, display_name, is_manager, rt
from bot.telegram.quiz import callbacks as cb
from bot.telegram.quiz.flow import (
    announce_verdict,
    deliver_check,
    open_spot_check,
    question_text,
    remove_buttons,
    results_markup,
    send_question,
)
from bot.telegram.sending import edit_pressed


async def _answer_pressed(update: Update, context: Context, data: cb.Answer) -> None:
    query, runtime = update.callback_query, rt(context)
    assert query is not None and query.message is not None
    ctx = runtime.ctx
    with ctx.session() as session:
        result = quiz_answers.answer(
            session,
            quiz_question_id=data.quiz_question_id,
            option=data.option,
            user_id=query.from_user.id,
            user_name=display_name(update),
            chat_id=query.message.chat.id,
            now=ctx.clock.now(),
            bank=quizzes.question_bank(ctx.settings),
            settings=ctx.settings,
        )
    quiz, renderer, tz = (
        result.quiz,
        runtime.renderer,
        (result.enterprise.timezone if result.enterprise else ctx.settings.bot_timezone),
    )
    if result.expired:
        await query.answer(renderer.text(quiz.locale, "quiz/time_up_short"), show_alert=True)
        await remove_buttons(context.bot, quiz.chat_id, query.message.message_id)
    else:
        await query.answer()
        exam = quiz.kind in EXAM_KINDS
        text = question_text(
            renderer,
            quiz,
            result.asked,
            tz,
            chosen=data.option,
            correct=None if exam else result.correct,
            recorded=exam,
        )
        await edit_pressed(query, text)
    if result.next is not None:
        await send_question(context.bot, ctx, renderer, quiz, result.next, result.enterprise)
    elif result.verdict is not None:
        await announce_verdict(context.bot, ctx, renderer, result.verdict, expired=result.expired)


async def _results_pressed(update: Update, context: Context, data: cb.Results) -> None:
    query, chat, runtime = update.callback_query, update.effective_chat, rt(context)
    assert query is not None and chat is not None
    with runtime.ctx.session() as session:
        results = quiz_stats.group_results(session, quiz_id=data.quiz_id, chat_id=chat.id)
    locale = results.quiz.locale
    await query.answer()
    text = runtime.renderer.render(locale, "quiz/group_results", results=results)
    await edit_pressed(query, text, results_markup(runtime.renderer, locale, data.quiz_id))


async def _volunteer_pressed(update: Update, context: Context, data: cb.Volunteer) -> None:
    query, chat, runtime = update.callback_query, update.effective_chat, rt(context)
    assert query is not None and chat is not None
    ctx, person = runtime.ctx, query.from_user
    with ctx.session() as session:
        spot, enterprise = quiz_checks.spot_check_in_chat(
            session, spot_check_id=data.spot_check_id, chat_id=chat.id, now=ctx.clock.now()
        )
    sent = await deliver_check(
        context.bot,
        ctx,
        runtime.renderer,
        spot,
        enterprise,
        user_id=person.id,
        name=person.full_name,
        username=person.username,
    )
    name = "quiz/sent_privately_short" if sent else "quiz/needs_start_short"
    await query.answer(
        runtime.renderer.text(enterprise.locale, name, bot=context.bot.username),
        show_alert=not sent,
    )


async def _retest_pressed(update: Update, context: Context, data: cb.StartRetest) -> None:
    query, chat, runtime = update.callback_query, update.effective_chat, rt(context)
    assert query is not None and chat is not None
    ctx = runtime.ctx
    with ctx.session() as session:
        first = quiz_checks.begin_retest(
            session,
            quiz_id=data.quiz_id,
            user_id=query.from_user.id,
            chat_id=chat.id,
            now=ctx.clock.now(),
            settings=ctx.settings,
            bank=quizzes.question_bank(ctx.settings),
        )
        quiz = session.get_one(Quiz, data.quiz_id)
        enterprise = session.get(Enterprise, quiz.enterprise_id) if quiz.enterprise_id else None
    await query.answer()
    await edit_pressed(query, None)
    await send_question(context.bot, ctx, runtime.renderer, quiz, first, enterprise)


async def _offer_pressed(update: Update, context: Context, data: cb.Offer) -> None:
    """ "Run the 逢查必考 check now" under an inspection confirmation: a check with volunteers."""
    query, chat, ctx = update.callback_query, update.effective_chat, rt(context).ctx
    assert query is not None and chat is not None
    with ctx.session() as session:
        enterprise = require_active(session, chat.id)
    if enterprise.id != data.enterprise_id:
        raise StaleButton()
    if not await is_manager(context, chat.id, query.from_user.id, enterprise):
        raise NotManager()
    with ctx.session() as session:
        spot, enterprise = quiz_checks.start_spot_check(
            session, chat_id=chat.id, started_by=query.from_user.id, now=ctx.clock.now()
        )
    await query.answer()
    await open_spot_check(
        context.bot,
        ctx,
        rt(context).renderer,
        spot,
        enterprise,
        starter=display_name(update),
        people=[],
        unknown=[],
    )


async def quiz_button(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None
    data = cb.decode(query.data)
    try:
        if isinstance(data, cb.Answer):
            await _answer_pressed(update, context, data)
        elif isinstance(data, cb.Results):
            await _results_pressed(update, context, data)
        elif isinstance(data, cb.Volunteer):
            await _volunteer_pressed(update, context, data)
        elif isinstance(data, cb.StartRetest):
            await _retest_pressed(update, context, data)
        elif isinstance(data, cb.Offer):
            await _offer_pressed(update, context, data)
        else:
            raise StaleButton()
    except DomainError as error:
        await answer_error(update, context, error)
