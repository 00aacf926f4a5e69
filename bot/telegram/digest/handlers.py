"""``/digest [HH:MM | daily | due]`` and ``/topic [off]``: admins choose when and where.

``/digest`` alone shows the settings and the next digest, with buttons for the mode.
``/topic`` sent inside a forum topic makes it the reminders' topic; ``/topic off`` goes back
to the general chat.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.domain.digest import DigestMode, parse_digest_time
from bot.errors import BadDigestTime, DomainError, NotAdmin, NotAForum, StaleButton
from bot.services import enterprises
from bot.services.digest import settings
from bot.store.models import Enterprise
from bot.telegram.common import Context, answer_error, chat_locale, reply, reply_error, rt
from bot.telegram.sending import edit_pressed
from bot.telegram.setup.handlers import check_admin

_PREFIX = "dg:"


def _words(context: Context, word: str) -> set[str]:
    """How ``word`` (a mode, or ``off``) is typed in every language: ``due``, ``到期`` …"""
    renderer = rt(context).renderer
    return {word} | {
        renderer.text(loc, "digest/word", word=word).lower() for loc in renderer.locales
    }


def _mode(context: Context, typed: str) -> DigestMode | None:
    return next((m for m in DigestMode if typed.lower() in _words(context, m.value)), None)


def _mode_buttons(context: Context, locale: str, current: str) -> InlineKeyboardMarkup:
    renderer = rt(context).renderer
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    renderer.text(locale, "buttons/digest_mode", mode=m.value, chosen=m == current),
                    callback_data=f"{_PREFIX}{m.value}",
                )
                for m in DigestMode
            ]
        ]
    )


def _view(context: Context, enterprise: Enterprise) -> dict[str, object]:
    ctx = rt(context).ctx
    return {
        "time": enterprise.digest_time,
        "mode": enterprise.digest_mode,
        "tz": enterprise.timezone,
        "continuous": enterprise.work_pattern == "continuous",
        "next": settings.next_digest(enterprise, ctx.calendar, ctx.clock.now()),
        "topic": enterprise.topic_id is not None,
    }


async def digest_command(update: Update, context: Context) -> None:
    """Show the digest settings; with an argument (an admin), change them first."""
    chat, runtime = update.effective_chat, rt(context)
    assert chat is not None
    ctx, args = runtime.ctx, context.args or []
    try:
        if args:
            await check_admin(update, context)
        with ctx.session() as session:
            enterprise = enterprises.require_active(session, chat.id)
            if args:
                word = " ".join(args).strip()
                mode = _mode(context, word)
                time = None if mode else parse_digest_time(word)
                if mode is None and time is None:
                    raise BadDigestTime(given=word)
                settings.set_digest(
                    session,
                    enterprise,
                    catalog=ctx.catalog,
                    calendar=ctx.calendar,
                    now=ctx.clock.now(),
                    horizon_days=ctx.settings.materialize_horizon_days,
                    time=time,
                    mode=mode,
                )
            view = _view(context, enterprise)
    except DomainError as error:
        await reply_error(update, context, error)
        return
    locale = chat_locale(context, update)
    markup = _mode_buttons(context, locale, str(view["mode"]))
    await reply(update, context, "digest/settings", markup=markup, changed=bool(args), **view)


async def mode_pressed(update: Update, context: Context) -> None:
    query, chat, user, runtime = (
        update.callback_query,
        update.effective_chat,
        update.effective_user,
        rt(context),
    )
    assert query is not None and chat is not None and user is not None
    ctx, data = runtime.ctx, (query.data or "").removeprefix(_PREFIX)
    try:
        if data not in {m.value for m in DigestMode}:
            raise StaleButton()
        if not await runtime.admins.is_admin(context.bot, chat.id, user.id):
            raise NotAdmin()
        with ctx.session() as session:
            enterprise = enterprises.require_active(session, chat.id)
            settings.set_digest(
                session,
                enterprise,
                catalog=ctx.catalog,
                calendar=ctx.calendar,
                now=ctx.clock.now(),
                horizon_days=ctx.settings.materialize_horizon_days,
                mode=DigestMode(data),
            )
            view = _view(context, enterprise)
    except DomainError as error:
        await answer_error(update, context, error)
        return
    locale = enterprise.locale
    await query.answer()
    text = runtime.renderer.render(locale, "digest/settings", changed=True, **view)
    await edit_pressed(query, text, _mode_buttons(context, locale, enterprise.digest_mode))


async def topic_command(update: Update, context: Context) -> None:
    """In a forum topic: reminders go there. ``/topic off``: back to the general chat."""
    chat, message, ctx = update.effective_chat, update.effective_message, rt(context).ctx
    assert chat is not None and message is not None
    off = bool(context.args) and context.args[0].lower() in _words(context, "off")  # type: ignore[index]
    in_topic = bool(message.is_topic_message and message.message_thread_id)
    try:
        await check_admin(update, context)
        if not off and not (chat.is_forum and in_topic):
            raise NotAForum()
        with ctx.session() as session:
            enterprise = enterprises.require_active(session, chat.id)
            settings.set_topic(session, enterprise, None if off else message.message_thread_id)
    except DomainError as error:
        await reply_error(update, context, error)
        return
    await reply(update, context, "digest/topic_set", off=off)


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [
        CommandHandler("digest", digest_command),
        CommandHandler("topic", topic_command),
        CallbackQueryHandler(mode_pressed, pattern=rf"^{_PREFIX}"),
    ]
