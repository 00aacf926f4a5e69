"""Evidence kept in our own storage: each photo or file is downloaded from Telegram when it
arrives (``getFile`` and the download, PTB's real HTTP path), checked (size, type), stored
under ``<enterprise>/<yyyy>/<mm>/<sha256>.<ext>`` and recorded in ``stored_file``.

A file refused (too large, not an image, gone from Telegram) is not kept at all and the
sender is told. A download that failed for a passing reason (the network, a timeout, the
store) leaves the record with Telegram's file id: ``jobs.fetch_missing`` tries again later.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from telegram import Bot
from telegram.error import BadRequest, Forbidden

from bot.config import Settings
from bot.errors import EvidenceRefused
from bot.services.context import AppContext
from bot.services.evidence import stored
from bot.services.hazards import records as hazard_records
from bot.storage import files
from bot.store.hazard_models import Hazard
from bot.store.models import Evidence
from bot.store.storage_models import EVIDENCE, HAZARD_PHOTO, StoredFile

log = logging.getLogger(__name__)


def _refusal(reason: str, kind: str, settings: Settings) -> EvidenceRefused:
    limit_mb = f"{settings.evidence_max_bytes / 2**20:.3g}"
    return EvidenceRefused(reason=reason, kind=kind, limit_mb=limit_mb)


async def download(
    bot: Bot, settings: Settings, kind: str, file_id: str, file_name: str | None = None
) -> files.Checked:
    """The file's checked bytes. ``EvidenceRefused`` when it is not to be kept; another
    ``TelegramError`` (network, timeout) when a later try may work."""
    try:
        file = await bot.get_file(file_id)
    except (BadRequest, Forbidden) as exc:
        raise _refusal("gone", kind, settings) from exc
    if file.file_size is not None and file.file_size > settings.evidence_max_bytes:
        raise _refusal("too_large", kind, settings)  # not even downloaded
    data = bytes(await file.download_as_bytearray())
    try:
        return files.check(kind, data, max_bytes=settings.evidence_max_bytes, file_name=file_name)
    except files.TooLarge:
        raise _refusal("too_large", kind, settings) from None
    except files.WrongType:
        raise _refusal("wrong_type", kind, settings) from None


async def keep(ctx: AppContext, row: StoredFile, checked: files.Checked) -> bool:
    """Store the bytes and record where; a store that fails leaves the row for a later try."""
    key = files.evidence_key(row.enterprise_id, row.received_at, checked)
    try:
        await ctx.evidence_store().put(key, checked.data, checked.content_type)
    except Exception as exc:  # the store's own errors (disk full, S3 down): try again later
        log.warning("stored file %s: the store refused it: %s", row.id, type(exc).__name__)
        with ctx.session() as session:
            stored.failed(session, row, ctx.clock.now())
        return False
    with ctx.session() as session:
        stored.stored(session, row, key, checked, ctx.clock.now())
    return True


async def fetch(ctx: AppContext, bot: Bot, row: StoredFile) -> bool:
    """One try at a record still without its file; True once it is stored."""
    try:
        checked = await download(bot, ctx.settings, row.kind, row.file_id, row.file_name)
    except EvidenceRefused as refusal:
        reason = str(refusal.context["reason"])
        log.info("stored file %s: not kept: %s", row.id, reason)
        with ctx.session() as session:
            stored.refused(session, row, reason)
        return False
    except Exception as exc:  # a network fault or a timeout: the next try may work
        log.info("stored file %s: download failed: %s", row.id, type(exc).__name__)
        with ctx.session() as session:
            stored.failed(session, row, ctx.clock.now())
        return False
    return await keep(ctx, row, checked)


async def keep_evidence(
    ctx: AppContext, evidence: Evidence, checked: files.Checked | None, file_name: str | None
) -> None:
    """Record a confirmation's photo or file; store it if it was downloaded (else later)."""
    assert evidence.id is not None and evidence.file_id is not None
    with ctx.session() as session:
        row = stored.arrived(
            session,
            enterprise_id=evidence.enterprise_id,
            source=EVIDENCE,
            source_id=evidence.id,
            kind=evidence.kind,
            file_id=evidence.file_id,
            received_at=evidence.created_at,
            file_name=file_name,
        )
        if checked is None:
            stored.failed(session, row, ctx.clock.now())
    if checked is not None:
        await keep(ctx, row, checked)


async def keep_hazard_photos(
    ctx: AppContext, bot: Bot, hazard_id: int, fetched: Mapping[str, files.Checked | None]
) -> None:
    """Record the hazard's photos not recorded yet and store them: with the bytes in
    ``fetched`` (by unique id; None: the download failed, try later), else downloaded now."""
    with ctx.session() as session:
        photos = hazard_records.photos(session, hazard_id)
        hazard = session.get(Hazard, hazard_id)
        if hazard is None:
            return
        known = stored.of_source(session, HAZARD_PHOTO, [p.id or 0 for p in photos])
        new = [p for p in photos if p.id not in known]
        rows = [
            (
                photo.file_unique_id,
                stored.arrived(
                    session,
                    enterprise_id=hazard.enterprise_id,
                    source=HAZARD_PHOTO,
                    source_id=photo.id or 0,
                    kind="photo",
                    file_id=photo.file_id,
                    received_at=photo.at,
                ),
            )
            for photo in new
        ]
    for unique_id, row in rows:
        if unique_id not in fetched:
            await fetch(ctx, bot, row)
        elif (checked := fetched[unique_id]) is not None:
            await keep(ctx, row, checked)
        else:
            with ctx.session() as session:
                stored.failed(session, row, ctx.clock.now())
