"""Grading on the card: 🟡 一般 or 🔴 重大, the latter against the sector's 判定标准.

🔴 turns the card's buttons into the 判定标准 items that apply to the enterprise's sector
(``items_for_sector`` on its local today), a page at a time, each labelled with its clause
and the first words of its text; the item picked is kept with the grade (its standard,
document number and clause show on the card). "None of these" keeps the hazard major without
an item; a sector no standard covers is graded major at once, and the presser told so. Only
managers grade (chat admins and the safety officer); a grade may be corrected until the
rectification is reported. A major grade wakes the tick, so the follow-up reports it to the
linked offices at once.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.catalog.hazard_models import HazardItem, HazardStandard
from bot.domain import hazard as rules
from bot.domain.hazard_states import HazardGrade
from bot.errors import DomainError, StaleButton
from bot.services.hazards import records
from bot.services.hazards.queries import local_today
from bot.telegram.common import Context, answer_error, rt
from bot.telegram.hazards import flow
from bot.telegram.hazards.callbacks import (
    BackToCard,
    Grade,
    ListItems,
    NoItem,
    PickItem,
    encode,
)
from bot.telegram.hazards.card import card_keyboard, refresh_card
from bot.telegram.sending import edit_pressed

PAGE = 6  # items per page of buttons
LABEL_WIDTH = 36  # a label's width in half-width columns (a Chinese character counts two)

Items = list[tuple[HazardStandard, HazardItem]]


def _width(char: str) -> int:
    return 2 if ord(char) >= 0x2E80 else 1


def shorten(text: str, width: int) -> str:
    """The first words of ``text`` within ``width`` columns, with … when cut."""
    if sum(_width(c) for c in text) <= width:
        return text
    kept, used = [], 1
    for char in text:
        used += _width(char)
        if used > width:
            break
        kept.append(char)
    cut = "".join(kept)
    if " " in cut and all(_width(c) == 1 for c in cut):  # Latin text: end at a word
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:，、；：") + "…"  # i18n: trailing punctuation dropped


def _items(context: Context, press: flow.CardPress) -> Items:
    on = local_today(press.enterprise, rt(context).ctx.clock.now())
    return rt(context).ctx.hazard_standards.items_for_sector(press.enterprise.sector, on=on)


def items_keyboard(
    context: Context, locale: str, hazard_id: int, items: Items, page: int
) -> InlineKeyboardMarkup:
    """One page of item buttons, then ◀ ▶, "none of these" and ↩ back to the card's buttons."""
    renderer = rt(context).renderer

    def button(action: str, data: str, **values: object) -> InlineKeyboardButton:
        return InlineKeyboardButton(
            renderer.text(locale, "buttons/hazard_report", action=action, **values),
            callback_data=data,
        )

    rows = []
    for index in range(page * PAGE, min(len(items), (page + 1) * PAGE)):
        item = items[index][1]
        text = shorten(item.text.get(locale), LABEL_WIDTH - 2 * len(item.clause))
        label = renderer.text(locale, "buttons/hazard_item", clause=item.clause, text=text)
        rows.append([InlineKeyboardButton(label, callback_data=encode(PickItem(hazard_id, index)))])
    pages = (len(items) + PAGE - 1) // PAGE
    turns = []
    if page > 0:
        turns.append(button("previous", encode(ListItems(hazard_id, page - 1))))
    if page + 1 < pages:
        turns.append(button("next", encode(ListItems(hazard_id, page + 1))))
    if turns:
        rows.append(turns)
    rows.append([button("none", encode(NoItem(hazard_id)))])
    rows.append([button("back", encode(BackToCard(hazard_id)))])
    return InlineKeyboardMarkup(rows)


async def grade_pressed(update: Update, context: Context) -> None:
    """``hz:g``, ``hz:i``, ``hz:p``, ``hz:n``, ``hz:k`` on a card."""
    query = update.callback_query
    assert query is not None
    try:
        press = await flow.card_press(update, context)
        rules.can_grade(press.actor, press.hazard.status)
        await _step(update, context, press)
    except DomainError as error:
        await answer_error(update, context, error)


async def _step(update: Update, context: Context, press: flow.CardPress) -> None:
    query, locale, hid = update.callback_query, press.enterprise.locale, press.hazard.id or 0
    assert query is not None
    data = press.data

    def toast(what: str, **values: object) -> str:
        return rt(context).renderer.text(locale, "hazards/pressed", what=what, **values)

    if isinstance(data, Grade) and not data.major:
        await _grade(context, press, HazardGrade.GENERAL, None)
        await query.answer(toast("general"))
    elif isinstance(data, Grade | ListItems):
        items, page = _items(context, press), getattr(data, "page", 0)
        if not items:  # no standard covers the sector: major without an item
            await _grade(context, press, HazardGrade.MAJOR, None)
            await query.answer(toast("no_standard"), show_alert=True)
            return
        pages = (len(items) + PAGE - 1) // PAGE
        if page >= pages:
            raise StaleButton()
        await edit_pressed(query, None, items_keyboard(context, locale, hid, items, page))
        await query.answer(toast("pick", page=page + 1, pages=pages))
    elif isinstance(data, PickItem):
        items = _items(context, press)
        if data.index >= len(items):
            raise StaleButton()
        standard, item = items[data.index]
        await _grade(context, press, HazardGrade.MAJOR, item.ref(standard.id))
        await query.answer(toast("major", clause=item.clause))
    elif isinstance(data, NoItem):
        await _grade(context, press, HazardGrade.MAJOR, None)
        await query.answer(toast("major", clause=""))
    elif isinstance(data, BackToCard):
        await edit_pressed(query, None, card_keyboard(rt(context), locale, press.hazard))
        await query.answer()
    else:
        raise StaleButton()


async def _grade(
    context: Context, press: flow.CardPress, level: HazardGrade, item: str | None
) -> None:
    """Record the grade (a refusal raises before anything is written), refresh the card, and
    for a major hazard wake the tick so the linked offices hear of it at once."""
    runtime = rt(context)
    now = runtime.ctx.clock.now()
    with runtime.ctx.session() as session:
        hazard = records.hazard_of(session, press.enterprise.id or 0, press.hazard.id or 0)
        records.grade(
            session,
            hazard,
            press.actor,
            level,
            standard_item=item,
            standards=runtime.ctx.hazard_standards,
            now=now,
        )
    await refresh_card(context.bot, runtime, press.enterprise, hazard, now)
    if level is HazardGrade.MAJOR:
        runtime.wake()
