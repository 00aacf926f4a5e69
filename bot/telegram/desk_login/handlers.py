"""``/web`` in an office chat (any member) or an enterprise group (its admins and safety
officer): the bot answers in private with a login link to the desk (docs/desk.md, "Login").

The link never appears in a group: it logs whoever opens it in as the person who asked.
"""

from __future__ import annotations

from telegram import Chat, Update
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CommandHandler

from bot.errors import ChatGone
from bot.i18n import normalize_locale
from bot.services import enterprises
from bot.services.desk.login import LINK_VALIDITY, desk_key, issue_link
from bot.services.language import preferences as language
from bot.services.office import linking as offices
from bot.telegram.common import Context, display_name, is_manager, reply, rt
from bot.telegram.sending import send_html


def _person_locale(context: Context, update: Update) -> str:
    user = update.effective_user
    assert user is not None
    runtime = rt(context)
    with runtime.ctx.session() as session:
        chosen = language.user_locale(session, user.id)
    return chosen or normalize_locale(user.language_code, runtime.ctx.settings.bot_locale)


async def _desk_of(update: Update, context: Context) -> tuple[int | None, int | None, str] | None:
    """(office id, enterprise id, desk name) the sender may open from this chat; None after
    telling them why not."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    with rt(context).ctx.session() as session:
        office = offices.office_for_chat(session, chat.id)
        if office is not None:
            assert office.id is not None
            if not offices.enterprise_ids(session, office.id):
                await reply(update, context, "desk_login/nothing_linked")
                return None
            return office.id, None, office.title
        enterprise = (
            None if chat.type == Chat.PRIVATE else enterprises.get_by_chat(session, chat.id)
        )
    if enterprise is None or not enterprise.active:
        await reply(update, context, "desk_login/where")
        return None
    if not await is_manager(context, chat.id, user.id, enterprise):
        await reply(update, context, "desk_login/admins_only")
        return None
    return None, enterprise.id, enterprise.name


async def web_command(update: Update, context: Context) -> None:
    chat, user, runtime = update.effective_chat, update.effective_user, rt(context)
    assert chat is not None and user is not None
    settings = runtime.ctx.settings
    desk = await _desk_of(update, context)
    if desk is None:
        return
    if settings.desk_base_url is None:
        await reply(update, context, "desk_login/not_configured")
        return
    office_id, enterprise_id, name = desk
    now = runtime.ctx.clock.now()
    configured = settings.desk_secret.get_secret_value() if settings.desk_secret else None
    locale = _person_locale(context, update)
    with runtime.ctx.session() as session:
        link = issue_link(
            session, key=desk_key(session, configured, now=now), base_url=settings.desk_base_url,
            user_id=user.id, user_name=user.full_name, office_id=office_id,
            enterprise_id=enterprise_id, locale=locale, now=now,
        )  # fmt: skip
    text = runtime.renderer.render(
        locale, "desk_login/link", link=link, name=name, until=now + LINK_VALIDITY,
        tz=settings.bot_timezone,
    )  # fmt: skip
    try:
        await send_html(context.bot, user.id, text)
    except (ChatGone, BadRequest):
        await reply(update, context, "desk_login/needs_start", bot_username=context.bot.username)
        return
    if chat.type != Chat.PRIVATE:
        await reply(update, context, "desk_login/sent", name=display_name(update))


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [CommandHandler("web", web_command)]
