"""Every ``pp:`` button press, routed by its key; a refusal is an alert under the button and
changes nothing. The press is answered once the step is done."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update

from bot.errors import DomainError, NotManager, StaleButton
from bot.services.people import persons as people
from bot.telegram.common import Context, chat_locale, rt
from bot.telegram.people import (
    access,
    cert_flow,
    records_view,
    role_flow,
    start,
    training_flow,
    views,
)
from bot.telegram.people.callbacks import ChooseEnterprise, Page, Pick, Plain, decode
from bot.telegram.sending import edit_pressed

Route = Callable[[Update, Context, Any], Awaitable[None]]


async def _pick_step(update: Update, context: Context, data: Pick) -> None:
    """A kind (``k``), a 作业类别 (``c``) or a training category (``g``) chosen by button:
    the same as typing it."""
    steps = {"k": "kind", "c": "category", "g": "t_category"}
    found, _ = access.draft(context, update, steps[data.key])
    if data.key == "k":
        await cert_flow.kind_chosen(update, context, found, data.value)
    elif data.key == "c":
        await cert_flow.category_chosen(update, context, found, data.value)
    else:
        await training_flow.category_chosen(update, context, found, data.value)


async def _skip(update: Update, context: Context, data: Plain) -> None:
    """``pp:s``: skip the photo, leave the joined date, or train "today"."""
    ctx_draft, _ = access.draft(context, update, "photo", "r_joined", "t_day")
    routes = {
        "photo": cert_flow.photo_skipped,
        "r_joined": role_flow.joined_skipped,
        "t_day": training_flow.today_pressed,
    }
    await routes[ctx_draft.step](update, context, data)


async def cancel(update: Update, context: Context, _data: Plain) -> None:
    """``pp:x``: drop whatever is being entered; nothing was saved."""
    found, _ = access.draft(context, update, *ANY_STEP)
    access.finish(context, found)
    text = rt(context).renderer.render(chat_locale(context, update), "people/cancelled")
    query = update.callback_query
    assert query is not None
    await edit_pressed(query, text, None)


ANY_STEP = ("who", "name", "kind", "category", "number", "issued", "expiry", "photo", "confirm",
            "review", "t_people", "t_category", "t_hours", "t_day", "r_role", "r_joined")  # fmt: skip


async def page_pressed(update: Update, context: Context, data: Page) -> None:
    """``pp:l:<key>:<enterprise>:<page>``: the picker's other page (managers only; a picker
    of an entry only while the entry waits for it)."""
    enterprise = access.enterprise(context, data.enterprise_id)
    if not await access.manages(context, enterprise, access.user_id(update)):
        raise NotManager()
    chosen: set[int] = set()
    if data.key in WAITING:
        found, answers = access.draft(context, update, WAITING[data.key])
        if found.enterprise_id != enterprise.id:
            raise StaleButton()
        chosen = set(answers.get("people", []))
    ctx = rt(context).ctx
    with ctx.session() as session:
        roster = people.roster_people(
            session, data.enterprise_id, now=ctx.clock.now(), include=access.me(update)
        )
    pairs = [(p.id or 0, p.name) for p in roster]
    rows = views.picker(
        context, update, data.key, data.enterprise_id, pairs, page=data.page, chosen=chosen
    )
    query = update.callback_query
    assert query is not None
    await edit_pressed(query, None, access.keyboard(rows))


WAITING = {"p": "who", "t": "t_people", "o": "r_who"}
PICKS: dict[str, Route] = {
    "p": cert_flow.person_picked,
    "k": _pick_step,
    "c": _pick_step,
    "g": _pick_step,
    "t": training_flow.person_toggled,
    "r": role_flow.role_chosen,
    "v": records_view.view_person,
    "w": records_view.review_pressed,
    "f": records_view.send_photo,
    "o": role_flow.person_picked,
}
PLAIN: dict[str, Route] = {
    "n": cert_flow.someone_new,
    "s": _skip,
    "y": cert_flow.save,
    "x": cancel,
    "d": training_flow.people_done,
}


async def pressed(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None
    data = decode(query.data)
    try:
        match data:
            case ChooseEnterprise():
                await start.enterprise_chosen(update, context, data)
            case Pick(key):
                await PICKS[key](update, context, data)
            case Plain(key):
                await PLAIN[key](update, context, data)
            case Page():
                await page_pressed(update, context, data)
            case _:
                raise StaleButton()
    except DomainError as error:
        await access.refuse(update, context, error)
        return
    await query.answer()
