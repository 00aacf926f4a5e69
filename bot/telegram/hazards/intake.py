"""Taking a report in: ask for what is missing (the description, then where it is), then
record the hazard and post its card in the enterprise's group.

The answers so far travel in the question's draft (``HazardPrompt.draft``): ``description``,
``photos`` (Telegram file ids), and for a private report ``private`` and ``anonymous``. A
photo in an answer is kept as a "found" photo; a photo without words is kept and the same
question is asked again. A private report is confirmed to the reporter privately; for an
anonymous one the safety officer is told privately who reported (the group never is).
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Message, Update
from telegram.error import TelegramError

from bot.errors import ChatGone, DomainError
from bot.services.hazards import prompts, records
from bot.services.language import preferences as language
from bot.store.hazard_models import Hazard, HazardPrompt
from bot.store.models import Enterprise
from bot.telegram.common import Context, chat_locale, reply, reply_error, rt
from bot.telegram.hazards import flow
from bot.telegram.hazards.card import refresh_card
from bot.telegram.sending import send_html
from bot.telegram.storage import archive

log = logging.getLogger(__name__)

DESCRIPTION, LOCATION = "description", "location"
STEPS = (DESCRIPTION, LOCATION)


async def next_step(
    update: Update,
    context: Context,
    enterprise: Enterprise,
    draft: dict[str, Any],
    *,
    anchor: Message,
    again: bool = False,
) -> None:
    """Ask (answering ``anchor``) for the description, else for the location; ``again`` when
    the last answer brought no words (a photo alone: kept, and the question asked again)."""
    user = update.effective_user
    assert user is not None and enterprise.id is not None
    photos = len(draft.get("photos", []))
    if not draft.get("description"):
        step = DESCRIPTION
        template = "errors/hazard_usage" if again else "hazards/report_ask_description"
    else:
        step, template = LOCATION, "hazards/report_ask_location"
    text = rt(context).renderer.render(
        chat_locale(context, update),
        template,
        photos=photos,
        again=again,
        private=bool(draft.get("private")),
        description=draft.get("description", ""),
    )
    question = await flow.ask(
        context, anchor, text, user_id=user.id, enterprise_id=enterprise.id, step=step, draft=draft
    )
    flow.remember_album(context, anchor, ("prompt", question.chat_id, question.message_id))


async def answer(update: Update, context: Context, prompt: HazardPrompt, message: Message) -> None:
    """A reply to the description or location question."""
    with rt(context).ctx.session() as session:
        enterprise = session.get(Enterprise, prompt.enterprise_id)
        prompts.answered(session, prompt)
    if enterprise is None or not enterprise.active:
        return
    draft = flow.with_photos(prompts.draft_of(prompt), flow.photos_of(message))
    words = flow.text_of(message)
    if prompt.step == DESCRIPTION and words:
        draft["description"] = words
    if prompt.step == LOCATION and words:
        await finish(update, context, enterprise, draft, location=words, anchor=message)
        return
    await next_step(update, context, enterprise, draft, anchor=message, again=not words)


async def finish(
    update: Update,
    context: Context,
    enterprise: Enterprise,
    draft: dict[str, Any],
    *,
    location: str,
    anchor: Message,
) -> None:
    """Record the report and post its card; a private reporter is told its number."""
    runtime = rt(context)
    now = runtime.ctx.clock.now()
    reporter = flow.actor_of(update, manager=False)
    anonymous, private = bool(draft.get("anonymous")), bool(draft.get("private"))
    given = [(str(f), str(u)) for f, u in draft.get("photos", [])]
    retrieved = await flow.retrievable(context, given)
    try:
        with runtime.ctx.session() as session:
            hazard = records.report(
                session,
                enterprise,
                reporter,
                description=str(draft.get("description", "")),
                location=location,
                photos=retrieved.kept,
                anonymous=anonymous,
                private=private,
                now=now,
            )
    except DomainError as error:
        await reply_error(update, context, error)
        return
    assert hazard.id is not None
    flow.remember_album(context, anchor, ("hazard", hazard.id, 0))
    await archive.keep_hazard_photos(runtime.ctx, context.bot, hazard.id, retrieved.fetched)
    await refresh_card(context.bot, runtime, enterprise, hazard, now)
    if refusal := retrieved.refusal():  # the report stands; the refused photos are not kept
        await reply_error(update, context, refusal)
    if not private:
        return  # the card in the group is the answer
    posted = hazard.card_message_id is not None
    await reply(
        update,
        context,
        "hazards/report_done_private",
        number=hazard.number,
        enterprise=enterprise.name,
        anonymous=anonymous,
        posted=posted,
    )
    if anonymous:
        await tell_officer(context, enterprise, hazard)


def officer_of(enterprise: Enterprise) -> int:
    """Who is told privately: the safety officer named with /officer, else who set the group up."""
    return enterprise.safety_officer_id or enterprise.created_by


async def tell_officer(context: Context, enterprise: Enterprise, hazard: Hazard) -> None:
    """Tell the safety officer privately who reported anonymously (best effort: an officer who
    never started the bot cannot be written to)."""
    officer = officer_of(enterprise)
    if officer == hazard.reported_by:
        return
    runtime = rt(context)
    with runtime.ctx.session() as session:
        locale = language.user_locale(session, officer) or enterprise.locale
    text = runtime.renderer.render(
        locale,
        "hazards/report_officer",
        number=hazard.number,
        enterprise=enterprise.name,
        name=hazard.reporter_name,
        user_id=hazard.reported_by,
        description=hazard.description,
    )
    try:
        await send_html(context.bot, officer, text)
    except (ChatGone, TelegramError) as exc:
        log.info("hazard %s: officer %s not told: %s", hazard.id, officer, type(exc).__name__)
