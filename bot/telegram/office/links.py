"""Ending office links: ``/office unlink``, its buttons, ``/office revoke``; and office chats
following a group that became a supergroup.

``/office unlink`` works from either end of a link: in an enterprise group it lists the offices
that see the enterprise (its managers decide who watches), in an office chat the enterprises
it oversees (the office's admins decide what it watches). A button, or the name typed after the
command, removes that one link, and the other side is told. ``/office revoke`` deletes the
enterprise's unused link codes. Rights are checked when the command is sent and again when a
button is pressed, against the sender's current status.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from sqlmodel import Session
from telegram import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from bot.errors import (
    CodesBelongToEnterprises,
    DomainError,
    GroupOnly,
    NotAnOffice,
    OfficeAdminOnly,
    StaleButton,
)
from bot.services import enterprises
from bot.services.office import linking as offices
from bot.services.office import unlinking as office_links
from bot.store.models import Enterprise
from bot.store.office_models import Office
from bot.telegram.common import Context, answer_error, is_manager, rt
from bot.telegram.sending import edit_pressed, send_html

log = logging.getLogger(__name__)

PREFIX = "ou"  # ou:o:<office id> pressed in an enterprise group, ou:e:<enterprise id> in an office
_DATA = re.compile(rf"{PREFIX}:([oe]):([1-9][0-9]{{0,17}})")
BUTTONS_SHOWN = 40  # Telegram allows 100 buttons; more links are unlinked by name


def decode(data: str | None) -> tuple[str, int] | None:
    match = _DATA.fullmatch(data or "")
    return (match.group(1), int(match.group(2))) if match else None


async def _this_end(update: Update, context: Context) -> tuple[Office | None, Enterprise | None]:
    """The chat's end of its links (an office, or an enterprise), if the sender may change it."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    with rt(context).ctx.session() as session:
        office = offices.office_for_chat(session, chat.id)
        enterprise = None if office else enterprises.get_by_chat(session, chat.id)
    if office is not None:
        private = chat.type == Chat.PRIVATE  # a private office is its one person
        if not private and not await rt(context).admins.is_admin(context.bot, chat.id, user.id):
            raise OfficeAdminOnly()
        return office, None
    if enterprise is None or not enterprise.active:
        raise NotAnOffice()
    if not await is_manager(context, chat.id, user.id, enterprise):
        raise OfficeAdminOnly()
    return None, enterprise


def _others(
    session: Session, office: Office | None, enterprise: Enterprise | None
) -> list[tuple[int, str]]:
    """(id, name) of the other ends: an office's enterprises, or an enterprise's offices."""
    if office is not None:
        assert office.id is not None
        return [(e.id or 0, e.name) for e in offices.linked_enterprises(session, office.id)]
    assert enterprise is not None and enterprise.id is not None
    return [(o.id or 0, o.title) for o in offices.offices_of(session, enterprise.id)]


def _remove(
    session: Session, office: Office | None, enterprise: Enterprise | None, other_id: int
) -> office_links.Unlinked:
    if office is not None:
        assert office.id is not None
        return office_links.unlink(session, office_id=office.id, enterprise_id=other_id)
    assert enterprise is not None and enterprise.id is not None
    return office_links.unlink(session, office_id=other_id, enterprise_id=enterprise.id)


def _locale(office: Office | None, enterprise: Enterprise | None) -> str:
    """The language of this end: the office's, or the enterprise group's."""
    if office is not None:
        return office.locale
    assert enterprise is not None
    return enterprise.locale


def _done_values(done: office_links.Unlinked, by_office: bool) -> dict[str, Any]:
    return {"by_office": by_office, "office": done.office.title, "enterprise": done.enterprise.name}


async def _say(
    update: Update,
    context: Context,
    locale: str,
    template: str,
    /,
    markup: InlineKeyboardMarkup | None = None,
    **values: Any,
) -> None:
    text = rt(context).renderer.render(locale, template, **values)
    assert update.effective_chat is not None
    await send_html(context.bot, update.effective_chat.id, text, reply_markup=markup)


def _buttons(
    context: Context, locale: str, others: list[tuple[int, str]], kind: str
) -> InlineKeyboardMarkup:
    label = rt(context).renderer.text
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    label(locale, "buttons/unlink", name=name),
                    callback_data=f"{PREFIX}:{kind}:{other_id}",
                )
            ]
            for other_id, name in others[:BUTTONS_SHOWN]
        ]
    )


async def unlink_command(update: Update, context: Context, args: list[str]) -> None:
    """``/office unlink [name]``: a button per link, or remove the link to the one named."""
    office, enterprise = await _this_end(update, context)
    by_office, locale = office is not None, _locale(office, enterprise)
    done = None
    with rt(context).ctx.session() as session:
        others = _others(session, office, enterprise)
        if others and args:
            other_id, _ = office_links.pick_by_name(others, lambda o: o[1], " ".join(args))
            done = _remove(session, office, enterprise, other_id)
    if done is not None:
        await _say(update, context, locale, "office/unlinked", **_done_values(done, by_office))
        await _tell_other_end(context, done, by_office=by_office)
    elif not others:
        await _say(update, context, locale, "office/nothing_linked", by_office=by_office)
    else:
        await _say(update, context, locale, "office/unlink_choose", by_office=by_office,
                   name=enterprise.name if enterprise else "", more=len(others) - BUTTONS_SHOWN,
                   markup=_buttons(context, locale, others, "e" if by_office else "o"))  # fmt: skip


async def unlink_pressed(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None
    target = decode(query.data)
    try:
        if target is None:
            raise StaleButton()
        office, enterprise = await _this_end(update, context)  # the sender's rights, now
        if (target[0] == "e") != (office is not None):
            raise StaleButton()
        with rt(context).ctx.session() as session:
            done = _remove(session, office, enterprise, target[1])
    except DomainError as error:
        await answer_error(update, context, error)
        return
    by_office, locale = office is not None, _locale(office, enterprise)
    renderer = rt(context).renderer
    await query.answer(renderer.text(locale, "office/unlinked_short"))
    await edit_pressed(
        query, renderer.render(locale, "office/unlinked", **_done_values(done, by_office))
    )
    await _tell_other_end(context, done, by_office=by_office)


async def _tell_other_end(
    context: Context, done: office_links.Unlinked, *, by_office: bool
) -> None:
    """The other end learns the link is gone; best effort, the link is gone either way."""
    if by_office and not done.enterprise.active:
        return
    chat_id, locale = (
        (done.enterprise.chat_id, done.enterprise.locale)
        if by_office
        else (done.office.chat_id, done.office.locale)
    )
    text = rt(context).renderer.render(
        locale, "office/unlinked_notice", **_done_values(done, by_office)
    )
    try:
        await send_html(context.bot, chat_id, text)
    except Exception as exc:  # an unreachable chat, a rate limit: nothing to undo for it
        log.warning(
            "could not tell chat %s that a link was removed: %s", chat_id, type(exc).__name__
        )


async def revoke_command(update: Update, context: Context) -> None:
    """``/office revoke``: the enterprise's link codes that nobody redeemed stop working."""
    chat, user, ctx = update.effective_chat, update.effective_user, rt(context).ctx
    assert chat is not None and user is not None
    with ctx.session() as session:
        if offices.office_for_chat(session, chat.id) is not None:
            raise CodesBelongToEnterprises()
        if chat.type == Chat.PRIVATE:
            raise GroupOnly()
        enterprise = enterprises.require_active(session, chat.id)
    if not await is_manager(context, chat.id, user.id, enterprise):
        raise OfficeAdminOnly()
    assert enterprise.id is not None
    with ctx.session() as session:
        revoked = office_links.revoke_codes(
            session, enterprise_id=enterprise.id, now=ctx.clock.now()
        )
    await _say(
        update, context, enterprise.locale, "office/revoked", n=revoked, name=enterprise.name
    )


async def office_chat_migrated(update: Update, context: Context) -> None:
    """A basic group became a supergroup: an office there follows it, as enterprises do (in
    ``membership``); registered in a handler group of its own, so both run."""
    message = update.effective_message
    if message is None or message.migrate_to_chat_id is None:
        return
    new_chat_id = message.migrate_to_chat_id
    with rt(context).ctx.session() as session:
        moved = offices.move_chat(session, old_chat_id=message.chat.id, new_chat_id=new_chat_id)
    if moved is not None:
        log.info("office chat %s migrated to %s", message.chat.id, new_chat_id)


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [CallbackQueryHandler(unlink_pressed, pattern=rf"^{PREFIX}:")]


def message_handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [MessageHandler(filters.StatusUpdate.MIGRATE, office_chat_migrated)]
