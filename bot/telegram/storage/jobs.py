"""The evidence store's two periodic duties, run after each scheduler tick with its ``now``.

``fetch_missing`` tries again the files whose download failed when they arrived (their
Telegram file ids were kept; each try waits longer, see ``services/evidence/stored.py``);
``purge_expired`` deletes the stored files older than ``evidence_retention_days`` and marks
their records. Both read only the database, so a restart or a missed tick merely delays them.
"""

from __future__ import annotations

import datetime as dt
import logging

from telegram import Bot

from bot.render import Renderer
from bot.services.context import AppContext
from bot.services.evidence import stored
from bot.storage.files import thumbnail_key
from bot.telegram.storage import archive

log = logging.getLogger(__name__)


async def fetch_missing(ctx: AppContext, bot: Bot, _renderer: Renderer, now: dt.datetime) -> int:
    """One try at each file still missing whose next try is due; returns how many were stored."""
    with ctx.session() as session:
        due = stored.missing(session, now, retention_days=ctx.settings.evidence_retention_days)
    done = 0
    for row in due:
        done += await archive.fetch(ctx, bot, row)
    return done


async def purge_expired(ctx: AppContext, _bot: Bot, _renderer: Renderer, now: dt.datetime) -> int:
    """Delete what is past retention from the store (file and thumbnail) and mark the records;
    a file that another, younger record still shares stays. Returns how many were marked."""
    store, purged = ctx.evidence_store(), 0
    while True:
        with ctx.session() as session:
            rows = stored.expired(session, now, retention_days=ctx.settings.evidence_retention_days)
            ids = [r.id or 0 for r in rows]
            keys = {r.key for r in rows if r.key}
            kept = {k for k in keys if stored.shared_key(session, k, ids)}
        if not rows:
            return purged
        for key in keys - kept:
            await store.delete(key)
            await store.delete(thumbnail_key(key))
        with ctx.session() as session:
            stored.purged(session, rows, now)
        purged += len(rows)
        log.info(
            "evidence retention: %d records purged, %d files deleted", len(rows), len(keys - kept)
        )
