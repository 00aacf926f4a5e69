"""The hazard's card in the enterprise group: one message per hazard, edited as it moves on.

The card says where the hazard is (to be graded, being rectified, …) and carries the buttons
of its next step; who may press them is checked when pressed (``bot.domain.hazard``). An
anonymous report's card never names the reporter.
"""

from __future__ import annotations

import datetime as dt
import logging

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import TelegramError

from bot.domain.hazard import overdue
from bot.domain.hazard_states import HazardGrade, HazardStatus
from bot.errors import ChatGone, ChatMoved
from bot.services.context import AppContext
from bot.services.hazards import records
from bot.services.hazards.queries import local_today
from bot.store.hazard_models import Hazard
from bot.store.models import Enterprise
from bot.telegram.hazards.callbacks import (
    Grade,
    HazardCallback,
    History,
    Invalidate,
    Rectify,
    SendBack,
    StartPlan,
    Verify,
    encode,
)
from bot.telegram.runtime import Runtime
from bot.telegram.sending import edit_html, send_html

log = logging.getLogger(__name__)


def standard_item(ctx: AppContext, hazard: Hazard, locale: str) -> dict[str, str] | None:
    """The 判定标准 item a major hazard was graded under, as a template shows it."""
    found = ctx.hazard_standards.find_item(hazard.standard_item or "")
    if found is None:
        return None
    standard, item = found
    return {
        "standard": standard.title.get(locale),
        "document_number": standard.document_number,
        "clause": item.clause,
        "text": item.text.get(locale),
    }


def card_text(runtime: Runtime, enterprise: Enterprise, hazard: Hazard, now: dt.datetime) -> str:
    locale = enterprise.locale
    assert hazard.id is not None
    with runtime.ctx.session() as session:
        photo_count = len(records.photos(session, hazard.id))
    return runtime.renderer.render(
        locale,
        "hazards/card",
        h=hazard,
        tz=enterprise.timezone,
        reporter=None if hazard.anonymous else hazard.reporter_name,
        photos=photo_count,
        item=standard_item(runtime.ctx, hazard, locale),
        status_name=runtime.renderer.text(locale, "hazards/status", status=hazard.status),
        overdue=overdue(hazard.status, hazard.deadline, local_today(enterprise, now)),
    )


def card_keyboard(runtime: Runtime, locale: str, hazard: Hazard) -> InlineKeyboardMarkup:
    """The next step's buttons, by status, and 📋 History."""
    hid = hazard.id or 0

    def button(action: str, callback: HazardCallback) -> InlineKeyboardButton:
        label = runtime.renderer.text(locale, "buttons/hazard", action=action)
        return InlineKeyboardButton(label, callback_data=encode(callback))

    rows: list[list[InlineKeyboardButton]] = []
    status = hazard.status
    if status == HazardStatus.REPORTED.value:
        rows.append([button("general", Grade(hid, False)), button("major", Grade(hid, True))])
    elif status == HazardStatus.GRADED.value:
        rows.append([button("plan", StartPlan(hid))])
    elif status == HazardStatus.PLANNED.value:  # 📝 gives a new 五落实 (a new deadline)
        rows.append([button("rectify", Rectify(hid)), button("plan", StartPlan(hid))])
    elif status == HazardStatus.RECTIFIED.value:
        rows.append([button("verify", Verify(hid)), button("send_back", SendBack(hid))])
    if status in (HazardStatus.GRADED.value, HazardStatus.PLANNED.value):  # a grade's correction
        if hazard.grade == HazardGrade.MAJOR.value:
            rows.append(
                [button("to_general", Grade(hid, False)), button("to_item", Grade(hid, True))]
            )
        else:
            rows.append([button("to_major", Grade(hid, True))])
    last = [button("history", History(hid))]
    if status in (HazardStatus.REPORTED.value, HazardStatus.GRADED.value):
        last.append(button("invalid", Invalidate(hid)))
    rows.append(last)
    return InlineKeyboardMarkup(rows)


async def post_card(
    bot: Bot, runtime: Runtime, enterprise: Enterprise, hazard: Hazard, now: dt.datetime
) -> int:
    """Post the hazard's card in the enterprise group (silently); returns its message id."""
    text = card_text(runtime, enterprise, hazard, now)
    keyboard = card_keyboard(runtime, enterprise.locale, hazard)
    message = await send_html(
        bot, enterprise.chat_id, text, keyboard, thread_id=enterprise.topic_id
    )
    with runtime.ctx.session() as session:
        stored = session.get(Hazard, hazard.id)
        assert stored is not None
        records.set_card(session, stored, enterprise.chat_id, message.message_id)
    hazard.card_chat_id, hazard.card_message_id = enterprise.chat_id, message.message_id
    return message.message_id


async def refresh_card(
    bot: Bot, runtime: Runtime, enterprise: Enterprise, hazard: Hazard, now: dt.datetime
) -> None:
    """Show the hazard's new state on its card (posting a card if it has none yet).

    Best effort: the step is recorded whatever Telegram says about the edit.
    """
    try:
        if hazard.card_message_id is None or hazard.card_chat_id is None:
            await post_card(bot, runtime, enterprise, hazard, now)
            return
        text = card_text(runtime, enterprise, hazard, now)
        keyboard = card_keyboard(runtime, enterprise.locale, hazard)
        await edit_html(bot, hazard.card_chat_id, hazard.card_message_id, text, keyboard)
    except (ChatGone, ChatMoved, TelegramError) as exc:
        log.info("hazard %s: card not updated: %s", hazard.id, type(exc).__name__)
