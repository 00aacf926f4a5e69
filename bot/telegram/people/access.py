"""What the people's-records handlers share: whose enterprise, who manages it, the draft being
entered, and replies in the private chat (questions, refusals naming the field).

A private chat names no enterprise: the person's enterprises are those where they are the
safety officer, registered the group, or joined the roster; a manager of one is its safety
officer or, asked of Telegram at the moment, an administrator of its group. A refusal's
context carries ids from ``schedules/people.yaml``; they are shown by name.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from bot.catalog.people import PeopleRules
from bot.domain import people_errors as err
from bot.domain.certificate import parse_date
from bot.errors import DomainError, StaleButton
from bot.i18n import LocalizedText
from bot.services.hazards.queries import local_today
from bot.services.hazards.selfcheck import candidate_enterprises
from bot.services.people import drafts
from bot.store.models import Enterprise
from bot.store.people_models import PeopleDraft
from bot.telegram.common import Context, chat_locale, is_manager, rt
from bot.telegram.people.callbacks import PeopleCallback, Plain, encode
from bot.telegram.sending import send_html

Rows = list[list[InlineKeyboardButton]]


def user_id(update: Update) -> int:
    assert update.effective_user is not None
    return update.effective_user.id


def read_date(text: str, field: str, today: dt.date) -> dt.date:
    """A typed date, not after ``today``; else the refusal naming ``field``."""
    day = parse_date(text)
    if day is None:
        raise err.BadDate(field=field, given=text.strip()[:40])
    if day > today:
        raise err.DateInFuture(field=field, given=day)
    return day


def me(update: Update) -> tuple[int, str]:
    """The sender's user id and name (a manager is among the people they pick from)."""
    assert update.effective_user is not None
    return update.effective_user.id, update.effective_user.full_name


def rules(context: Context) -> PeopleRules:
    return rt(context).ctx.people_rules


def today(context: Context, enterprise: Enterprise) -> dt.date:
    return local_today(enterprise, rt(context).ctx.clock.now())


async def manages(context: Context, enterprise: Enterprise, user: int) -> bool:
    return await is_manager(context, enterprise.chat_id, user, enterprise)


async def enterprises_of(context: Context, user: int, *, managed: bool) -> list[Enterprise]:
    """The person's active enterprises (only those they manage now, with ``managed``)."""
    with rt(context).ctx.session() as session:
        found = candidate_enterprises(session, user)
    if not managed:
        return found
    return [e for e in found if await manages(context, e, user)]


def enterprise(context: Context, enterprise_id: int) -> Enterprise:
    with rt(context).ctx.session() as session:
        found = session.get(Enterprise, enterprise_id)
    if found is None or not found.active:
        raise StaleButton()
    return found


def draft(context: Context, update: Update, *steps: str) -> tuple[PeopleDraft, dict[str, Any]]:
    """The presser's draft when it waits for one of ``steps``; else the press is stale."""
    ctx = rt(context).ctx
    with ctx.session() as session:
        found = drafts.current(session, user_id(update), now=ctx.clock.now())
    if found is None or found.step not in steps:
        raise StaleButton()
    return found, drafts.data_of(found)


def advance(context: Context, found: PeopleDraft, step: str, **answers: Any) -> dict[str, Any]:
    ctx = rt(context).ctx
    with ctx.session() as session:
        session.add(found)
        return drafts.advance(session, found, step=step, now=ctx.clock.now(), **answers)


def finish(context: Context, found: PeopleDraft) -> None:
    with rt(context).ctx.session() as session:
        session.add(found)
        drafts.finish(session, found)


def button(
    context: Context, update: Update, data: PeopleCallback, action: str, **values: Any
) -> InlineKeyboardButton:
    label = rt(context).renderer.text(
        chat_locale(context, update), "buttons/people", action=action, **values
    )
    return InlineKeyboardButton(label, callback_data=encode(data))


def keyboard(rows: Rows) -> InlineKeyboardMarkup | None:
    return InlineKeyboardMarkup(rows) if rows else None


def cancel_row(context: Context, update: Update) -> list[InlineKeyboardButton]:
    return [button(context, update, Plain("x"), "cancel")]


async def say(
    update: Update,
    context: Context,
    template: str,
    /,
    rows: Rows | None = None,
    **values: Any,
) -> Message:
    """Send ``template`` to the private chat (with buttons), the question a draft waits on."""
    assert update.effective_chat is not None
    text = rt(context).renderer.render(chat_locale(context, update), template, **values)
    return await send_html(context.bot, update.effective_chat.id, text, keyboard(rows or []))


def _shown(context: Context, locale: str, values: dict[str, Any]) -> dict[str, Any]:
    """A refusal's context with the data file's ids as people read them."""
    shown = dict(values)
    kind = rules(context).kind(str(values.get("kind", "")))
    if kind is not None:
        shown["kind"] = kind.name.get(locale)
    if isinstance(values.get("hint"), LocalizedText):
        shown["hint"] = values["hint"].get(locale)
    return shown


async def refuse(update: Update, context: Context, error: DomainError) -> None:
    """A refusal: an alert under a pressed button, else a message in the chat."""
    locale, renderer = chat_locale(context, update), rt(context).renderer
    values = _shown(context, locale, error.context)
    query = update.callback_query
    if query is not None:
        name = f"{error.template}_short"
        if not renderer.exists(f"{name}.txt.j2"):
            name = "errors/generic_short"
        await query.answer(renderer.text(locale, name, **values), show_alert=True)
        return
    assert update.effective_chat is not None
    text = renderer.render(locale, error.template, **values)
    await send_html(context.bot, update.effective_chat.id, text)
