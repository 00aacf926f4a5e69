"""Plain messages in a private chat that answer the step a people's-records draft waits for:
typed text (a name, a kind, a number, a date, hours) or a photo of the certificate.

Registered in a handler group of its own; a message is taken only while the person's draft is
fresh (``DRAFT_TTL``) and waiting for something typed, else left to other features; any
other command ends the entry. A refusal
names the field and keeps the draft at the same step, so the next message is the new answer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import filters

from bot.errors import DomainError
from bot.services.people import drafts
from bot.store.people_models import PeopleDraft
from bot.telegram.common import Context, rt
from bot.telegram.people import access, cert_flow, records_view, role_flow, training_flow

MESSAGES = (
    filters.UpdateType.MESSAGE
    & filters.ChatType.PRIVATE
    & ((filters.TEXT & ~filters.COMMAND) | filters.PHOTO)
)
COMMANDS = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE & filters.COMMAND
OWN_COMMANDS = ("cert", "certs", "training", "role")  # these start (or keep) an entry
Answer = Callable[[Update, Context, PeopleDraft, str], Awaitable[None]]
TYPED: dict[str, Answer] = {
    "name": cert_flow.name_given,
    "kind": cert_flow.kind_chosen,
    "category": cert_flow.category_chosen,
    "number": cert_flow.number_given,
    "issued": cert_flow.issued_given,
    "expiry": cert_flow.expiry_given,
    "review": records_view.review_given,
    "t_category": training_flow.category_chosen,
    "t_hours": training_flow.hours_given,
    "t_day": training_flow.day_given,
    "r_joined": role_flow.joined_given,
}


async def answered(update: Update, context: Context) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    ctx = rt(context).ctx
    with ctx.session() as session:
        found = drafts.current(session, user.id, now=ctx.clock.now())
    if found is None:
        return
    try:
        if message.photo and found.step == "photo":
            await cert_flow.photo_given(update, context, found, message)
        elif message.text and found.step in TYPED:
            await TYPED[found.step](update, context, found, message.text)
        elif found.step == "photo":
            await access.say(update, context, "people/cert_photo_again")
    except DomainError as error:
        await access.refuse(update, context, error)


async def other_command(update: Update, context: Context) -> None:
    """Another command in the private chat ends the entry: what is typed next is not taken as
    its answer (``/hazard``'s description is not a certificate number)."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or not message.text:
        return
    name = message.text.split()[0][1:].split("@")[0].lower()
    if name in OWN_COMMANDS:
        return
    ctx = rt(context).ctx
    with ctx.session() as session:
        found = drafts.current(session, user.id, now=ctx.clock.now())
        if found is not None:
            drafts.finish(session, found)
