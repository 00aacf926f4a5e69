"""``/setup``: register the group's enterprise in one line, or step by step with buttons."""

from __future__ import annotations

from typing import Any

from telegram import Chat, ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.domain.workpattern import OFFICE_DAYS, WorkPattern, parse_shifts
from bot.errors import DomainError, GroupOnly, NotAdmin
from bot.services import enterprises
from bot.services.reminders.materialize import materialize
from bot.services.stats import enterprise_stats as stats
from bot.telegram.callbacks import ChooseRegion, ChooseSector, decode, encode
from bot.telegram.common import Context, chat_locale, reply, reply_error, rt
from bot.telegram.sending import edit_pressed

PENDING = "setup_pending"  # chat_data: {"user", "sector", "region", "shifts"} as chosen so far
PATTERNS = {"office": (), "2": ("08:00", "20:00"), "3": ("08:00", "16:00", "00:00")}


async def check_admin(update: Update, context: Context) -> None:
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    if chat.type == Chat.PRIVATE:
        raise GroupOnly()
    if not await rt(context).admins.is_admin(context.bot, chat.id, user.id):
        raise NotAdmin()


def region_names(context: Context, locale: str) -> dict[str, str]:
    """Every regional profile's name in ``locale``, national first."""
    return {r.id: r.name.get(locale) for r in rt(context).ctx.catalog.region_defs.values()}


async def _register(
    update: Update,
    context: Context,
    sector_text: str,
    name: str,
    region: str | None = None,
    pattern: WorkPattern | None = None,
) -> None:
    runtime, chat, user = rt(context), update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    ctx = runtime.ctx
    sector = enterprises.resolve_sector(ctx.catalog, sector_text)
    now = ctx.clock.now()
    with ctx.session() as session:
        if region is None and enterprises.get_by_chat(session, chat.id) is None:
            region = enterprises.resolve_region(ctx.catalog, ctx.settings.bot_region)
        enterprise, created = enterprises.register(
            session,
            chat_id=chat.id,
            name=name,
            sector=sector,
            user_id=user.id,
            now=now,
            timezone=ctx.settings.bot_timezone,
            locale=chat_locale(context, update),
            region=region,
            pattern=pattern,
        )
        materialize(
            session,
            enterprise,
            catalog=ctx.catalog,
            calendar=ctx.calendar,
            now=now,
            horizon_days=ctx.settings.materialize_horizon_days,
        )
        overview = stats.enterprise_stats(session, enterprise, now=now, upcoming_days=100)
    next_items = (overview.due + overview.upcoming)[:5]
    titles = {
        o.obligation_id: ctx.catalog.obligations[o.obligation_id].title.get(enterprise.locale)
        for o in next_items
        if o.obligation_id in ctx.catalog.obligations
    }
    context.chat_data.pop(PENDING, None)  # type: ignore[union-attr]
    await reply(
        update,
        context,
        "setup/done",
        enterprise=enterprise,
        created=created,
        sector=sector.name.get(enterprise.locale),
        region=region_names(context, enterprise.locale).get(enterprise.region, enterprise.region),
        shifts=WorkPattern.load(enterprise.work_pattern, enterprise.shift_starts).stored()[1],
        next_items=next_items,
        titles=titles,
    )
    runtime.wake()


async def setup_command(update: Update, context: Context) -> None:
    try:
        await check_admin(update, context)
        args = context.args or []
        if len(args) >= 2:
            await _register(update, context, args[0], " ".join(args[1:]))
            return
        sectors = rt(context).ctx.catalog.sectors.values()
        locale = chat_locale(context, update)
        buttons = [
            InlineKeyboardButton(s.name.get(locale), callback_data=encode(ChooseSector(s.id)))
            for s in sectors
        ]
        rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
        user = update.effective_user
        assert user is not None and context.chat_data is not None
        context.chat_data[PENDING] = {"user": user.id, "sector": None, "region": None}
        context.chat_data[PENDING]["shifts"] = None
        await reply(
            update,
            context,
            "setup/choose_sector",
            markup=InlineKeyboardMarkup(rows),
            given=args[0] if args else None,
        )
    except DomainError as error:
        await reply_error(update, context, error)


async def _next_step(update: Update, context: Context, *, valid: bool) -> dict[str, Any] | None:
    """The pending guided setup if this button press may advance it (its button removed);
    otherwise the presser is told why (a stale button, or someone else's setup) and None."""
    query = update.callback_query
    assert query is not None
    pending = context.chat_data.get(PENDING) if context.chat_data is not None else None
    renderer, locale = rt(context).renderer, chat_locale(context, update)
    if not valid or not pending:
        await query.answer(renderer.text(locale, "errors/stale_button_short"), show_alert=True)
        return None
    if query.from_user.id != pending["user"]:
        await query.answer(renderer.text(locale, "errors/not_your_setup"), show_alert=True)
        return None
    await query.answer()
    await edit_pressed(query, None)
    assert isinstance(pending, dict)
    return pending


async def sector_chosen(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None
    choice = decode(query.data)
    runtime = rt(context)
    locale = chat_locale(context, update)
    valid = isinstance(choice, ChooseSector) and choice.sector_id in runtime.ctx.catalog.sectors
    pending = await _next_step(update, context, valid=valid)
    if pending is None or not isinstance(choice, ChooseSector):
        return
    pending["sector"] = choice.sector_id
    sector = runtime.ctx.catalog.sectors[choice.sector_id]
    names = region_names(context, locale)
    buttons = [
        InlineKeyboardButton(name, callback_data=encode(ChooseRegion(rid)))
        for rid, name in names.items()
    ]
    await reply(
        update,
        context,
        "setup/choose_region",
        sector=sector.name.get(locale),
        markup=InlineKeyboardMarkup([[b] for b in buttons]),
    )


async def region_chosen(update: Update, context: Context) -> None:
    """The second step of the guided /setup: national only (the default) or a local profile."""
    query = update.callback_query
    assert query is not None
    choice = decode(query.data)
    runtime = rt(context)
    locale = chat_locale(context, update)
    pending = context.chat_data.get(PENDING) if context.chat_data is not None else None
    valid = (
        isinstance(choice, ChooseRegion)
        and bool(pending and pending.get("sector"))
        and choice.region_id in runtime.ctx.catalog.region_defs
    )
    pending = await _next_step(update, context, valid=valid)
    if pending is None or not isinstance(choice, ChooseRegion):
        return
    pending["region"] = choice.region_id
    buttons = [
        InlineKeyboardButton(
            runtime.renderer.text(locale, "buttons/work_pattern", shifts=times),
            callback_data=f"wp:{key}",
        )
        for key, times in PATTERNS.items()
    ]
    await reply(
        update,
        context,
        "setup/choose_pattern",
        region=region_names(context, locale)[choice.region_id],
        markup=InlineKeyboardMarkup([[b] for b in buttons]),
    )


async def pattern_chosen(update: Update, context: Context) -> None:
    """The third step: office days (the default) or continuous operation in shifts."""
    query = update.callback_query
    assert query is not None and query.data is not None
    pending = context.chat_data.get(PENDING) if context.chat_data is not None else None
    runtime, locale = rt(context), chat_locale(context, update)
    key = query.data.removeprefix("wp:")
    valid = bool(pending and pending.get("region")) and key in PATTERNS
    pending = await _next_step(update, context, valid=valid)
    if pending is None:
        return
    pending["shifts"] = list(PATTERNS[key])
    sector = runtime.ctx.catalog.sectors[pending["sector"]]
    await reply(
        update,
        context,
        "setup/ask_name",
        sector=sector.name.get(locale),
        region=region_names(context, locale)[pending["region"]],
        markup=ForceReply(selective=True),
    )


async def name_given(update: Update, context: Context) -> None:
    pending = context.chat_data.get(PENDING) if context.chat_data is not None else None
    user, message = update.effective_user, update.effective_message
    if (
        not pending
        or pending.get("shifts") is None
        or user is None
        or user.id != pending["user"]
        or message is None
    ):
        return
    try:
        await check_admin(update, context)
        pattern = parse_shifts(pending["shifts"]) if pending["shifts"] else OFFICE_DAYS
        await _register(
            update, context, pending["sector"], message.text or "", pending["region"], pattern
        )
    except DomainError as error:
        await reply_error(update, context, error)


async def region_command(update: Update, context: Context) -> None:
    """``/region hubei``: the regional profile decides which local work lists apply."""
    chat, ctx = update.effective_chat, rt(context).ctx
    assert chat is not None
    try:
        await check_admin(update, context)
        with ctx.session() as session:
            enterprise = enterprises.require_active(session, chat.id)
            if context.args:
                enterprises.set_region(
                    session, ctx.catalog, enterprise, " ".join(context.args), now=ctx.clock.now()
                )
    except DomainError as error:
        await reply_error(update, context, error)
        return
    names = region_names(context, chat_locale(context, update))
    await reply(
        update,
        context,
        "setup/region",
        region=names.get(enterprise.region, enterprise.region),
        regions=names,
        changed=bool(context.args),
    )
    rt(context).wake()


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [
        CommandHandler("setup", setup_command),
        CommandHandler("region", region_command),
        CallbackQueryHandler(sector_chosen, pattern=r"^st:"),
        CallbackQueryHandler(region_chosen, pattern=r"^rg:"),
        CallbackQueryHandler(pattern_chosen, pattern=r"^wp:(office|2|3)$"),
    ]


def message_handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """Plain messages; registered in a handler group of their own."""
    return [MessageHandler(filters.TEXT & ~filters.COMMAND & filters.ChatType.GROUPS, name_given)]
