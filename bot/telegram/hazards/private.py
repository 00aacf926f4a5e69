"""``/hazard`` in a private chat: the 内部吹哨人 channel (S0#24, S1#51–53).

The reporter picks the enterprise (one whose list they joined with /join; with one, no
question), says whether the group may see their name, then gives the description, the place
and photos as in the group. The card goes to the enterprise's group; an anonymous card never
names the reporter, and the safety officer is told privately who it was (``intake``).
The two button questions are remembered like the others (``HazardPrompt`` on the message
carrying the buttons), so a press on an old or someone else's question changes nothing.
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from bot.errors import DomainError, StaleButton
from bot.services.hazards import prompts
from bot.services.roster.members import enterprises_of
from bot.store.hazard_models import HazardPrompt
from bot.store.models import Enterprise
from bot.telegram.common import Context, answer_error, chat_locale, reply, rt
from bot.telegram.hazards import flow, intake
from bot.telegram.hazards.callbacks import Anonymous, ReportEnterprise, decode, encode
from bot.telegram.sending import edit_pressed, reply_html

CHOOSE_ENTERPRISE, CHOOSE_ANONYMITY = "report_enterprise", "report_anonymity"


def _anonymity_keyboard(context: Context, locale: str) -> InlineKeyboardMarkup:
    """👤 with my name / 🕶 anonymously."""
    renderer, rows = rt(context).renderer, []
    for anonymous in (False, True):
        action = "anonymous" if anonymous else "named"
        label = renderer.text(locale, "buttons/hazard_report", action=action)
        rows.append([InlineKeyboardButton(label, callback_data=encode(Anonymous(anonymous)))])
    return InlineKeyboardMarkup(rows)


def _remember(
    context: Context,
    question: Message,
    user_id: int,
    enterprise_id: int,
    step: str,
    draft: dict[str, Any],
) -> None:
    """The button ``question`` asks ``user_id`` for ``step`` (a press answers it)."""
    runtime = rt(context)
    with runtime.ctx.session() as session:
        prompts.ask(
            session,
            chat_id=question.chat_id,
            message_id=question.message_id,
            user_id=user_id,
            enterprise_id=enterprise_id,
            step=step,
            draft=draft,
            now=runtime.ctx.clock.now(),
        )


async def start(
    update: Update, context: Context, description: str, photos: list[flow.Photo]
) -> None:
    """Begin a private report (``description`` and ``photos`` given with the command, if any)."""
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None
    with rt(context).ctx.session() as session:
        choices = enterprises_of(session, user.id)
    if not choices:
        await reply(update, context, "hazards/report_no_enterprise")
        return
    draft = flow.with_photos({"private": True, "description": description}, photos)
    locale = chat_locale(context, update)
    if len(choices) == 1:
        text = rt(context).renderer.render(
            locale, "hazards/report_anonymity", enterprise=choices[0].name
        )
        question = await reply_html(message, text, _anonymity_keyboard(context, locale))
        _remember(context, question, user.id, choices[0].id or 0, CHOOSE_ANONYMITY, draft)
        return
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(e.name, callback_data=encode(ReportEnterprise(e.id or 0)))]
            for e in choices
        ]
    )
    text = rt(context).renderer.render(locale, "hazards/report_choose_enterprise")
    question = await reply_html(message, text, keyboard)
    _remember(context, question, user.id, choices[0].id or 0, CHOOSE_ENTERPRISE, draft)


def _question(update: Update, context: Context, step: str) -> tuple[HazardPrompt, Message]:
    """The button question pressed, if it is this person's and still open; else stale."""
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    message = query.message if isinstance(query.message, Message) else None
    if message is None:
        raise StaleButton()
    with rt(context).ctx.session() as session:
        prompt = prompts.waiting(session, message.chat_id, message.message_id, user.id)
        if prompt is None or prompt.step != step:
            raise StaleButton()
        prompts.answered(session, prompt)
    return prompt, message


async def enterprise_chosen(update: Update, context: Context) -> None:
    """``hz:e:<enterprise>``: one of the presser's enterprises; then the anonymity question."""
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    data = decode(query.data)
    try:
        with rt(context).ctx.session() as session:
            choices = {e.id: e for e in enterprises_of(session, user.id)}
        if not isinstance(data, ReportEnterprise) or data.enterprise_id not in choices:
            raise StaleButton()
        prompt, message = _question(update, context, CHOOSE_ENTERPRISE)
    except DomainError as error:
        await answer_error(update, context, error)
        return
    await query.answer()
    locale = chat_locale(context, update)
    chosen = choices[data.enterprise_id]
    text = rt(context).renderer.render(locale, "hazards/report_anonymity", enterprise=chosen.name)
    await edit_pressed(query, text, _anonymity_keyboard(context, locale))
    draft = prompts.draft_of(prompt)
    _remember(context, message, user.id, data.enterprise_id, CHOOSE_ANONYMITY, draft)


async def anonymity_chosen(update: Update, context: Context) -> None:
    """``hz:a:0|1``: whether the group sees the reporter's name; then what is still missing."""
    query = update.callback_query
    assert query is not None
    data = decode(query.data)
    try:
        if not isinstance(data, Anonymous):
            raise StaleButton()
        prompt, message = _question(update, context, CHOOSE_ANONYMITY)
        with rt(context).ctx.session() as session:
            enterprise = session.get(Enterprise, prompt.enterprise_id)
        if enterprise is None or not enterprise.active:
            raise StaleButton()
    except DomainError as error:
        await answer_error(update, context, error)
        return
    await query.answer()
    text = rt(context).renderer.render(
        chat_locale(context, update),
        "hazards/report_anonymity_chosen",
        enterprise=enterprise.name,
        anonymous=data.anonymous,
    )
    await edit_pressed(query, text, None)
    draft = prompts.draft_of(prompt) | {"anonymous": data.anonymous}
    await intake.next_step(update, context, enterprise, draft, anchor=message)
