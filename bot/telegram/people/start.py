"""``/certs``, ``/cert``, ``/training`` and ``/role``: in a group only a pointer to the private
chat (certificate numbers are never shown in a group); in private, the enterprise first (asked
with buttons when the person has several), then the flow.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Chat, InlineKeyboardButton, Message, Update

from bot.errors import StaleButton
from bot.store.models import Enterprise
from bot.telegram.common import Context, reply
from bot.telegram.people import access, cert_flow, records_view, role_flow, training_flow
from bot.telegram.people.callbacks import ChooseEnterprise, encode
from bot.telegram.sending import edit_pressed

Flow = Callable[[Update, Context, Enterprise], Awaitable[object]]
FLOWS: dict[str, Flow] = {
    "v": records_view.show_mine,
    "c": cert_flow.begin,
    "t": training_flow.begin,
    "r": role_flow.begin,
}
MANAGED = "tr"  # flows only a manager may start


async def _in_private(update: Update, context: Context) -> bool:
    chat = update.effective_chat
    assert chat is not None
    if chat.type == Chat.PRIVATE:
        return True
    await reply(update, context, "people/in_private", bot=context.bot.username or "")
    return False


async def _start(update: Update, context: Context, flow: str) -> None:
    if not await _in_private(update, context):
        return
    found = await access.enterprises_of(context, access.user_id(update), managed=flow in MANAGED)
    if not found:
        await access.say(update, context, "people/no_enterprise", managed=flow in MANAGED)
    elif len(found) == 1:
        await FLOWS[flow](update, context, found[0])
    else:
        rows = [
            [InlineKeyboardButton(e.name, callback_data=encode(ChooseEnterprise(flow, e.id or 0)))]
            for e in found
        ]
        await access.say(update, context, "people/choose_enterprise", rows)


async def certs_command(update: Update, context: Context) -> None:
    await _start(update, context, "v")


async def cert_command(update: Update, context: Context) -> None:
    await _start(update, context, "c")


async def training_command(update: Update, context: Context) -> None:
    if context.args and await _in_private(update, context):
        await training_flow.one_line(update, context, list(context.args))
        return
    await _start(update, context, "t")


async def role_command(update: Update, context: Context) -> None:
    await _start(update, context, "r")


async def enterprise_chosen(update: Update, context: Context, data: ChooseEnterprise) -> None:
    """``pp:e:<flow>:<enterprise>``: one of the presser's enterprises (checked again now)."""
    found = await access.enterprises_of(
        context, access.user_id(update), managed=data.flow in MANAGED
    )
    chosen = next((e for e in found if e.id == data.enterprise_id), None)
    if chosen is None:
        raise StaleButton()
    query = update.callback_query
    assert query is not None
    if isinstance(query.message, Message):
        await edit_pressed(query, None, None)
    await FLOWS[data.flow](update, context, chosen)
