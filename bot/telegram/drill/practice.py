"""``/practice [scenario]`` in a private chat: one worker runs 关避喊报助 alone, with feedback.

Practice is for learning, not evidence: nothing is stored in the database and it counts for
no obligation. The run lives in the user's ``user_data`` (lost on restart, which only makes
the buttons stale) together with the id of the one message it may edit, so a forged press on
another message changes nothing. The order rule is the group drill's (``bot.domain.drill``).
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Chat, Update

from bot.domain.drill import Practice
from bot.errors import StaleButton
from bot.telegram.common import Context, chat_locale, reply, rt
from bot.telegram.drill.callbacks import PracticePress, PracticeStart
from bot.telegram.drill.live import texts_for
from bot.telegram.sending import edit_pressed, reply_html, send_html

PRACTICE_KEY = "drill_practice"


@dataclass(frozen=True)
class _Run:
    practice: Practice
    seed: int  # keeps the shuffled buttons in place between presses
    message_id: int


async def practice_command(update: Update, context: Context) -> None:
    chat, message = update.effective_chat, update.effective_message
    assert chat is not None and message is not None
    if chat.type != Chat.PRIVATE:
        await reply(update, context, "drill/practice_in_private", bot=context.bot.username or "")
        return
    texts = texts_for(rt(context).ctx, rt(context).renderer, chat_locale(context, update))
    scenario = texts.book.find_scenario(" ".join(context.args)) if context.args else None
    if scenario is not None:
        await _begin(update, context, scenario.id)
        return
    text, markup = texts.practice_choose()
    await reply_html(message, text, markup)


async def _begin(update: Update, context: Context, scenario: str) -> None:
    runtime, chat = rt(context), update.effective_chat
    assert chat is not None and context.user_data is not None
    now = runtime.ctx.clock.now()
    texts = texts_for(runtime.ctx, runtime.renderer, chat_locale(context, update))
    if texts.book.get(scenario) is None:
        raise StaleButton()
    practice, seed = Practice(scenario, now), int(now.timestamp())
    text, markup = texts.practice_message(practice, seed)
    sent = await send_html(context.bot, chat.id, text, markup)
    context.user_data[PRACTICE_KEY] = _Run(practice, seed, sent.message_id)


async def pressed(update: Update, context: Context, data: PracticeStart | PracticePress) -> None:
    """A practice button: start a run, or judge a step and show the progress."""
    runtime, chat, query = rt(context), update.effective_chat, update.callback_query
    assert chat is not None and query is not None and query.message is not None
    if chat.type != Chat.PRIVATE or context.user_data is None:
        raise StaleButton()
    if isinstance(data, PracticeStart):
        await query.answer()
        await _begin(update, context, data.scenario)
        return
    run = context.user_data.get(PRACTICE_KEY)
    if (
        not isinstance(run, _Run)
        or run.practice.scenario != data.scenario
        or run.message_id != query.message.message_id
    ):
        raise StaleButton()
    now = runtime.ctx.clock.now()
    practice, verdict = run.practice.press(data.step, now)
    texts = texts_for(runtime.ctx, runtime.renderer, chat_locale(context, update))
    text, alert = texts.step_answer(
        texts.book.get(data.scenario), data.step, verdict, now - practice.started_at
    )
    await query.answer(text, show_alert=alert)
    if not verdict.recorded:
        return
    if practice.finished:
        context.user_data.pop(PRACTICE_KEY, None)
    else:
        context.user_data[PRACTICE_KEY] = _Run(practice, run.seed, run.message_id)
    text, markup = texts.practice_message(practice, run.seed)
    await edit_pressed(query, text, markup)
