"""逢查必考 in chat: ``/quiz``, ``/check``, ``/retrain``, ``/me`` and quiz-poll answers.

The ``qz:`` buttons are in ``quiz_buttons``; both are registered through ``handlers()``.
"""

from __future__ import annotations

import datetime as dt

from telegram import Chat, MessageEntity, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, PollAnswerHandler

from bot.domain import quiz as rules
from bot.errors import DomainError
from bot.services.quiz import answers as quiz_answers
from bot.services.quiz import checks as quiz_checks
from bot.services.quiz import quizzes
from bot.services.quiz import stats as quiz_stats
from bot.store.models import Enterprise
from bot.store.quiz_models import Quiz
from bot.telegram.common import (
    Context,
    chat_locale,
    display_name,
    managed_enterprise,
    reply,
    reply_error,
    rt,
)
from bot.telegram.quiz import buttons as quiz_buttons
from bot.telegram.quiz import callbacks as cb
from bot.telegram.quiz.flow import open_spot_check, post_group_quiz, send_question

Person = tuple[int, str, str | None]  # user id, display name, username


async def quiz_command(update: Update, context: Context) -> None:
    """``/quiz [n]``: quiz polls in a group, a button quiz with explanations in private."""
    chat = update.effective_chat
    assert chat is not None
    try:
        if chat.type == Chat.PRIVATE:
            await _private_quiz(update, context)
        else:
            await _group_quiz(update, context, chat.id)
    except DomainError as error:
        await reply_error(update, context, error)


async def _group_quiz(update: Update, context: Context, chat_id: int) -> None:
    runtime = rt(context)
    ctx = runtime.ctx
    n = rules.question_count(next(iter(context.args or []), None))
    with ctx.session() as session:
        enterprise, asked = quizzes.start_group_quiz(
            session,
            chat_id=chat_id,
            n=n,
            bank=quizzes.question_bank(ctx.settings),
            now=ctx.clock.now(),
        )
    await post_group_quiz(context.bot, ctx, runtime.renderer, enterprise, asked)


async def _private_quiz(update: Update, context: Context) -> None:
    user, runtime = update.effective_user, rt(context)
    assert user is not None
    ctx = runtime.ctx
    with ctx.session() as session:
        first = quiz_answers.start_private_quiz(
            session,
            user_id=user.id,
            user_name=display_name(update),
            locale=chat_locale(context, update),
            bank=quizzes.question_bank(ctx.settings),
            now=ctx.clock.now(),
        )
        quiz = session.get_one(Quiz, first.row.quiz_id)
        mine = session.get(Enterprise, quiz.enterprise_id) if quiz.enterprise_id else None
    await reply(update, context, "quiz/private_intro", count=first.total, enterprise=mine)
    await send_question(context.bot, ctx, runtime.renderer, quiz, first, mine)


def _named(
    update: Update, context: Context, enterprise: Enterprise
) -> tuple[list[Person], list[str]]:
    """Who ``/check`` names: the replied-to person, text mentions, and roster @usernames."""
    message = update.effective_message
    assert message is not None
    people: dict[int, Person] = {}
    replied = message.reply_to_message.from_user if message.reply_to_message else None
    if replied is not None and not replied.is_bot:
        people[replied.id] = (replied.id, replied.full_name, replied.username)
    for entity in message.parse_entities([MessageEntity.TEXT_MENTION]):
        if entity.user is not None and not entity.user.is_bot:
            people[entity.user.id] = (entity.user.id, entity.user.full_name, entity.user.username)
    names = [a for a in context.args or [] if a.startswith("@")]
    with rt(context).ctx.session() as session:
        members, unknown = quiz_checks.find_examinees(session, enterprise.id or 0, names)
    for m in members:
        people.setdefault(m.user_id, (m.user_id, m.name, m.username))
    return list(people.values()), unknown


async def check_command(update: Update, context: Context) -> None:
    chat, user, ctx = update.effective_chat, update.effective_user, rt(context).ctx
    assert chat is not None and user is not None
    try:
        enterprise = await managed_enterprise(update, context)
        people, unknown = _named(update, context, enterprise)
        with ctx.session() as session:
            spot, enterprise = quiz_checks.start_spot_check(
                session, chat_id=chat.id, started_by=user.id, now=ctx.clock.now()
            )
    except DomainError as error:
        await reply_error(update, context, error)
        return
    runtime = rt(context)
    await open_spot_check(
        context.bot,
        ctx,
        runtime.renderer,
        spot,
        enterprise,
        starter=display_name(update),
        people=people,
        unknown=unknown,
    )


async def retrain_command(update: Update, context: Context) -> None:
    """The officer's list: who is to retrain and when their retest is, with the 知晓率."""
    chat, user, ctx = update.effective_chat, update.effective_user, rt(context).ctx
    assert chat is not None and user is not None
    try:
        enterprise = await managed_enterprise(update, context)
        now = ctx.clock.now()
        with ctx.session() as session:
            items = quiz_checks.open_retrainings(session, enterprise.id or 0)
            stats = quiz_stats.quiz_stats(
                session,
                enterprise.id or 0,
                enterprise.created_at,
                now + dt.timedelta(microseconds=1),
            )
    except DomainError as error:
        await reply_error(update, context, error)
        return
    await reply(
        update,
        context,
        "quiz/retrain_list",
        items=items,
        stats=stats,
        now=now,
        tz=enterprise.timezone,
    )


async def me_command(update: Update, context: Context) -> None:
    chat, user, ctx = update.effective_chat, update.effective_user, rt(context).ctx
    assert chat is not None and user is not None
    if chat.type != Chat.PRIVATE:
        await reply(update, context, "quiz/me_in_private", bot=context.bot.username)
        return
    with ctx.session() as session:
        history = quiz_stats.my_history(session, user.id)
    await reply(update, context, "quiz/me", history=history, tz=ctx.settings.bot_timezone)


async def poll_answer(update: Update, context: Context) -> None:
    """A vote on a quiz poll: no chat in the update, so the poll id says which quiz it was."""
    vote, ctx = update.poll_answer, rt(context).ctx
    if vote is None or vote.user is None:  # anonymous admins vote as the chat: not a person
        return
    with ctx.session() as session:
        quizzes.record_poll_answer(
            session,
            poll_id=vote.poll_id,
            user_id=vote.user.id,
            user_name=vote.user.full_name,
            option_ids=list(vote.option_ids),
            now=ctx.clock.now(),
            bank=quizzes.question_bank(ctx.settings),
        )


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [
        CommandHandler("quiz", quiz_command),
        CommandHandler("check", check_command),
        CommandHandler("retrain", retrain_command),
        CommandHandler("me", me_command),
        PollAnswerHandler(poll_answer),
        CallbackQueryHandler(quiz_buttons.quiz_button, pattern=cb.PATTERN),
    ]
