"""🔧 Rectified: the responsible person (or a manager for them) replies with after-photos.

The first photo records the rectification (its caption is the note). Photos sent together (an
album: one ``media_group_id``) arrive as separate messages, each a reply to the question;
after the first, the question waits for the rest of that album only, and they are kept as
photos of the rectified hazard. A reply without a photo is refused and the question stays.
"""

from __future__ import annotations

from telegram import Message, Update

from bot.domain import hazard as rules
from bot.domain.hazard_errors import PhotoRequired, PhotoUnavailable
from bot.domain.hazard_states import HazardStatus
from bot.errors import DomainError, EvidenceRefused
from bot.services.hazards import prompts, records
from bot.store.hazard_models import HazardPrompt
from bot.store.models import Enterprise
from bot.telegram.common import Context, reply, reply_error, rt
from bot.telegram.hazards import flow as hazard_flow
from bot.telegram.hazards.callbacks import Rectify
from bot.telegram.hazards.intake import officer_of
from bot.telegram.rectification import flow
from bot.telegram.storage import archive

PHOTOS, ALBUM = "rectify_photos", "rectify_album"
STEPS = (PHOTOS, ALBUM)
STAGE = "rectified"


def _photo(message: Message) -> list[records.Photo]:
    """The largest size of the message's photo (none for text, files, …)."""
    if not message.photo:
        return []
    largest = message.photo[-1]
    return [(largest.file_id, largest.file_unique_id)]


async def start(update: Update, context: Context, data: Rectify) -> None:
    """🔧 on the card: ask the presser for after-photos."""
    query, turn = update.callback_query, await flow.pressed(update, context, data.hazard_id)
    assert query is not None
    rules.can_rectify(turn.actor, turn.hazard.status, turn.hazard.responsible_id)
    await query.answer()
    await flow.ask(context, turn, PHOTOS, responsible=turn.hazard.responsible_name or "")


async def answer(update: Update, context: Context, prompt: HazardPrompt) -> None:
    """A reply with the after-photos (the note in the caption)."""
    turn = await flow.answering(update, context, prompt)
    message, ctx = turn.anchor, rt(context).ctx
    assert message is not None
    try:
        retrieved = await hazard_flow.retrievable(context, _photo(message))
        if refusal := retrieved.refusal():  # not kept: the question stays open for another
            raise refusal
        photos = retrieved.kept
        with ctx.session() as session:
            hazard = records.hazard_of(session, turn.enterprise.id or 0, turn.hazard.id or 0)
            if not photos:  # checked first: a refused reply leaves the question open
                rules.can_rectify(turn.actor, hazard.status, hazard.responsible_id)
                raise PhotoRequired()
            records.rectify(
                session, hazard, turn.actor, photos, note=turn.text, now=ctx.clock.now()
            )
    except (PhotoRequired, PhotoUnavailable, EvidenceRefused) as error:
        await reply_error(update, context, error)
        return
    except DomainError as error:
        flow.done_with(context, turn)
        await reply_error(update, context, error)
        return
    flow.done_with(context, turn)
    await archive.keep_hazard_photos(ctx, context.bot, hazard.id or 0, retrieved.fetched)
    if message.media_group_id:
        _await_album(context, turn, message.media_group_id)
    await flow.refresh(context, turn.enterprise, hazard)
    await reply(update, context, "rectification/rectified", h=hazard)
    officer = officer_of(turn.enterprise)  # the named safety officer, else who set it up
    if officer != turn.actor.user_id:
        await flow.tell(
            context, turn.enterprise, officer, "rectification/to_verify", h=hazard,
            by=turn.actor.name, note=turn.text,
        )  # fmt: skip


def _await_album(context: Context, turn: flow.Turn, album: str) -> None:
    """The rest of the album will reply to the same question: keep it open for them only."""
    prompt, ctx = turn.prompt, rt(context).ctx
    assert prompt is not None
    with ctx.session() as session:
        prompts.ask(
            session, chat_id=prompt.chat_id, message_id=prompt.message_id,
            user_id=prompt.user_id, enterprise_id=prompt.enterprise_id, step=ALBUM,
            hazard_id=prompt.hazard_id, draft={"album": album}, now=ctx.clock.now(),
        )  # fmt: skip


async def album_photo(update: Update, context: Context, prompt: HazardPrompt) -> None:
    """Another photo of the album whose first recorded the rectification: kept with it."""
    message, ctx = update.effective_message, rt(context).ctx
    if message is None or message.media_group_id != prompts.draft_of(prompt).get("album"):
        return
    photos = _photo(message)
    with ctx.session() as session:
        hazard = records.hazard_of(session, prompt.enterprise_id, prompt.hazard_id or 0)
        enterprise = session.get(Enterprise, prompt.enterprise_id)
        if not photos or enterprise is None or hazard.status != HazardStatus.RECTIFIED.value:
            return
        records.add_photos(
            session, hazard, photos, stage=STAGE, user_id=prompt.user_id, now=ctx.clock.now()
        )
        session.commit()
    await archive.keep_hazard_photos(ctx, context.bot, hazard.id or 0, {})
    await flow.refresh(context, enterprise, hazard)


def forget_albums(context: Context, hazard_id: int) -> None:
    """The rectification is checked: albums still awaited for it are not any more."""
    with rt(context).ctx.session() as session:
        for prompt in prompts.of_hazard(session, hazard_id, ALBUM):
            prompts.answered(session, prompt)
