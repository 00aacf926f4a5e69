"""📎 Evidence: ask for it, take it from replies (photo, file or note), send it back on request."""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from bot.errors import DomainError, EvidenceRefused, StaleButton
from bot.services import enterprises
from bot.services.evidence import records as evidence
from bot.services.reminders import confirmations
from bot.storage import files
from bot.store.models import Enterprise
from bot.telegram.callbacks import AddEvidence, ShowEvidence, decode
from bot.telegram.common import Context, answer_error, display_name, reply, reply_error, rt
from bot.telegram.reminders.handlers import ask_for_evidence
from bot.telegram.sending import send_file
from bot.telegram.storage import archive

log = logging.getLogger(__name__)


def _title(context: Context, enterprise: Enterprise, obligation_id: str) -> str:
    obligation = rt(context).ctx.catalog.obligations.get(obligation_id)
    return obligation.title.get(enterprise.locale) if obligation else obligation_id


async def evidence_button(update: Update, context: Context) -> None:
    query, chat, ctx = update.callback_query, update.effective_chat, rt(context).ctx
    assert query is not None and chat is not None
    data = decode(query.data)
    try:
        if not isinstance(data, AddEvidence | ShowEvidence):
            raise StaleButton()
        with ctx.session() as session:
            enterprise, occ = confirmations.occurrence_for_chat(
                session, occurrence_id=data.occurrence_id, chat_id=chat.id
            )
            items = evidence.evidence_for(session, data.occurrence_id)
    except DomainError as error:
        await answer_error(update, context, error)
        return
    await query.answer()
    title = _title(context, enterprise, occ.obligation_id)
    if isinstance(data, AddEvidence):
        await ask_for_evidence(update, context, occ, title, "reminders/evidence_prompt")
        return
    notes = [e for e in items if e.kind == "note"]
    files = [e for e in items if e.file_id]
    await reply(
        update,
        context,
        "reminders/evidence_list",
        title=title,
        notes=notes,
        files=len(files),
        tz=enterprise.timezone,
    )
    for item in files:  # Telegram keeps the files: sending the id sends the same photo or document
        await send_file(context.bot, chat.id, item.kind, item.file_id or "")


def _evidence_of(message: Message) -> tuple[str, str | None, str | None]:
    if message.photo:
        return "photo", message.photo[-1].file_id, message.caption
    if message.document:
        return "document", message.document.file_id, message.caption
    return "note", None, message.text


async def _downloaded(
    context: Context, kind: str, file_id: str | None, file_name: str | None
) -> files.Checked | None:
    """The file's bytes, checked (``EvidenceRefused`` if it is not to be kept); None for a
    note, or when the download failed for now (the file id is kept and fetched later)."""
    if file_id is None:
        return None
    try:
        return await archive.download(
            context.bot, rt(context).ctx.settings, kind, file_id, file_name
        )
    except TelegramError as exc:
        log.info("evidence download failed, kept for later: %s", type(exc).__name__)
        return None


async def evidence_reply(update: Update, context: Context) -> None:
    """A reply to an evidence prompt or a single-item reminder becomes evidence for it."""
    message, chat, user, ctx = (
        update.effective_message,
        update.effective_chat,
        update.effective_user,
        rt(context).ctx,
    )
    if message is None or chat is None or user is None or message.reply_to_message is None:
        return
    with ctx.session() as session:
        enterprise = enterprises.get_by_chat(session, chat.id)
        if enterprise is None or not enterprise.active or enterprise.id is None:
            return
        occurrence_id = evidence.occurrence_for_reply(
            session,
            chat_id=chat.id,
            enterprise_id=enterprise.id,
            reply_to=message.reply_to_message.message_id,
        )
        if occurrence_id is None:
            return
    kind, file_id, text = _evidence_of(message)
    file_name = message.document.file_name if message.document else None
    try:  # before anything is recorded: a refused file leaves nothing behind
        checked = await _downloaded(context, kind, file_id, file_name)
    except EvidenceRefused as refusal:
        await reply_error(update, context, refusal)
        return
    with ctx.session() as session:
        row = evidence.add_evidence(
            session,
            occurrence_id=occurrence_id,
            chat_id=chat.id,
            user_id=user.id,
            kind=kind,
            now=ctx.clock.now(),
            file_id=file_id,
            text=text,
        )
        _, occ = confirmations.occurrence_for_chat(
            session, occurrence_id=occurrence_id, chat_id=chat.id
        )
        count = len(evidence.evidence_for(session, occurrence_id))
    if file_id is not None:
        await archive.keep_evidence(ctx, row, checked, file_name)
    title = _title(context, enterprise, occ.obligation_id)
    await reply(
        update,
        context,
        "reminders/evidence_saved",
        title=title,
        count=count,
        name=display_name(update),
    )


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [CallbackQueryHandler(evidence_button, pattern=r"^(ev|vw):")]


def message_handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """Plain messages; registered in a handler group of their own."""
    content = filters.PHOTO | filters.Document.ALL | (filters.TEXT & ~filters.COMMAND)
    return [MessageHandler(filters.REPLY & filters.ChatType.GROUPS & content, evidence_reply)]
