"""What the hazard handlers share: the card a press is about, questions asked with ForceReply,
the photos of a message, and where the later photos of an album belong.

An album (several photos sent at once) arrives as one message per photo, the caption on the
first. The first answers a question (which is then forgotten) or lands on a hazard; the
others reply to the same question, so the bot remembers for a while where the album's first
photo went (``remember_album``) and sends the rest after it (``album_target``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from telegram import ForceReply, Message, Update
from telegram.error import TelegramError

from bot.domain.hazard import MAX_TEXT, Actor
from bot.domain.hazard_errors import PhotoUnavailable
from bot.errors import DomainError, EvidenceRefused, StaleButton
from bot.services import enterprises
from bot.services.hazards import prompts, records
from bot.storage.files import Checked
from bot.store.hazard_models import Hazard
from bot.store.models import Enterprise
from bot.telegram.common import Context, is_manager, rt
from bot.telegram.hazards.callbacks import HazardCallback, decode
from bot.telegram.sending import reply_html
from bot.telegram.storage import archive

log = logging.getLogger(__name__)
Photo = tuple[str, str]  # (file_id, file_unique_id) of the largest size
MAX_PHOTOS = 10  # kept while a report is asked for; more can be added by replying to the card
ALBUMS = "hazard_albums"  # bot_data: media_group_id -> where the album's first photo went
ALBUM_MEMORY = 256
# An answer typed in a private chat without replying to the question still counts this long.
PRIVATE_ANSWER_WINDOW = dt.timedelta(hours=1)


@dataclass(frozen=True)
class CardPress:
    """A press on a hazard's card in its own group, and who pressed it."""

    enterprise: Enterprise
    hazard: Hazard
    actor: Actor
    data: HazardCallback
    card: Message


def actor_of(update: Update, *, manager: bool) -> Actor:
    user = update.effective_user
    assert user is not None
    return Actor(user.id, user.full_name, manager)


async def card_press(update: Update, context: Context) -> CardPress:
    """The group's own hazard, pressed on its card; a forged, foreign or old button (malformed
    data, another enterprise's hazard, a message that is not the card) is a stale button."""
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    assert query is not None and user is not None
    data = decode(query.data)
    hazard_id = getattr(data, "hazard_id", None)
    card = query.message if isinstance(query.message, Message) else None
    if data is None or not isinstance(hazard_id, int) or chat is None or card is None:
        raise StaleButton()
    with rt(context).ctx.session() as session:
        enterprise = enterprises.get_by_chat(session, chat.id)
        if enterprise is None or not enterprise.active or enterprise.id is None:
            raise StaleButton()
        hazard = records.hazard_of(session, enterprise.id, hazard_id)
    if (hazard.card_chat_id, hazard.card_message_id) != (chat.id, card.message_id):
        raise StaleButton()
    manager = await is_manager(context, chat.id, user.id, enterprise)
    return CardPress(enterprise, hazard, actor_of(update, manager=manager), data, card)


async def ask(
    context: Context,
    anchor: Message,
    text: str,
    *,
    user_id: int,
    enterprise_id: int,
    step: str,
    draft: dict[str, Any],
    hazard_id: int | None = None,
) -> Message:
    """Post ``text`` answering ``anchor`` with ForceReply; the reply of ``user_id`` to it
    answers ``step`` (a group question names or replies to that person: ``selective``)."""
    runtime = rt(context)
    question = await reply_html(anchor, text, ForceReply(selective=True))
    with runtime.ctx.session() as session:
        prompts.ask(
            session,
            chat_id=question.chat_id,
            message_id=question.message_id,
            user_id=user_id,
            enterprise_id=enterprise_id,
            step=step,
            hazard_id=hazard_id,
            draft=draft,
            now=runtime.ctx.clock.now(),
        )
    return question


def text_of(message: Message) -> str:
    """The message's words (its text, or a photo's caption), spaces folded, at most MAX_TEXT."""
    return " ".join((message.text or message.caption or "").split())[:MAX_TEXT]


def photos_of(message: Message | None) -> list[Photo]:
    """The message's photo as Telegram's file id and unique id of its largest size."""
    if message is None or not message.photo:
        return []
    largest = max(message.photo, key=lambda size: (size.width * size.height, size.file_size or 0))
    return [(largest.file_id, largest.file_unique_id)]


@dataclass
class Retrieved:
    """The photos of a report or a rectification after their download (``archive``)."""

    kept: list[Photo]
    refusals: list[EvidenceRefused]  # one per photo not kept (gone, too large, no image)
    fetched: dict[str, Checked | None]  # unique id -> bytes (None: try again later)

    def refusal(self) -> DomainError | None:
        """What to tell the sender: that Telegram kept some back, else why one was refused."""
        reasons = [r.context["reason"] for r in self.refusals]
        if "gone" in reasons:
            return PhotoUnavailable(count=reasons.count("gone"))
        return self.refusals[0] if self.refusals else None


async def retrievable(context: Context, photos: list[Photo]) -> Retrieved:
    """Download each photo (``getFile`` and the file) to keep it in our storage: a photo
    Telegram will not give back, too large or not an image is not kept; one whose download
    failed for now is kept (its file id) and fetched again later."""
    found = Retrieved([], [], {})
    settings = rt(context).ctx.settings
    for file_id, unique_id in photos:
        try:
            found.fetched[unique_id] = await archive.download(
                context.bot, settings, "photo", file_id
            )
        except EvidenceRefused as refusal:
            log.info("a hazard photo was not kept: %s", refusal.context["reason"])
            found.refusals.append(refusal)
            continue
        except TelegramError as exc:
            log.info("a hazard photo's download failed, kept for later: %s", type(exc).__name__)
            found.fetched[unique_id] = None
        found.kept.append((file_id, unique_id))
    return found


def with_photos(draft: dict[str, Any], photos: list[Photo]) -> dict[str, Any]:
    """The draft with ``photos`` added (each once, at most MAX_PHOTOS)."""
    kept = [tuple(p) for p in draft.get("photos", [])]
    for photo in photos:
        if photo not in kept:
            kept.append(photo)
    return draft | {"photos": [list(p) for p in kept[:MAX_PHOTOS]]}


def _albums(context: Context) -> OrderedDict[str, tuple[str, int, int]]:
    albums = context.bot_data.setdefault(ALBUMS, OrderedDict())
    assert isinstance(albums, OrderedDict)
    return albums


def remember_album(context: Context, message: Message, target: tuple[str, int, int]) -> None:
    """The later photos of ``message``'s album go to ``target``: ("prompt", chat, message id)
    of the next question, ("hazard", id, 0) once reported, ("ignore", 0, 0) after a refusal."""
    if message.media_group_id:
        albums = _albums(context)
        albums[message.media_group_id] = target
        while len(albums) > ALBUM_MEMORY:
            albums.popitem(last=False)


def album_target(context: Context, message: Message) -> tuple[str, int, int] | None:
    if not message.media_group_id:
        return None
    return _albums(context).get(message.media_group_id)
