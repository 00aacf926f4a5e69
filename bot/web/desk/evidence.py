"""Evidence on the desk, streamed from our own storage (``bot.storage``), never from Telegram.

``/desk/evidence/<source>/<id>/thumb`` is a photo's small JPEG (made on first request and
cached in the store), ``/desk/evidence/<source>/<id>`` the file as sent, and
``/desk/enterprise/<id>/evidence.zip?period=`` every stored file of the enterprise that
arrived in the period, with a ``manifest.csv``. ``source`` is ``evidence`` (a confirmation's
photo or file) or ``hazard_photo``. Anything of an enterprise outside the desk's scope, not
stored (yet) or purged after retention is the same 404 page: nothing leaks.
"""

from __future__ import annotations

import csv
import io
import zipfile

from aiohttp import web

from bot.reports.period import local_today
from bot.services.desk.period import BadDeskPeriod, period_param
from bot.services.evidence import stored
from bot.storage import StoredObjectMissing
from bot.storage.thumbnails import thumbnail
from bot.store.models import Enterprise
from bot.store.storage_models import EVIDENCE, HAZARD_PHOTO, StoredFile
from bot.web.desk.auth import refuse, require_enterprise, scope_of
from bot.web.desk.deps import deps_of
from bot.web.desk.enterprise_page import enterprise_id_of
from bot.web.desk.layout import PAGE_HEADERS

SOURCES = (EVIDENCE, HAZARD_PHOTO)
CACHE = "private, max-age=86400"  # a stored file never changes under its key


def _number(text: str) -> int:
    if not text.isascii() or not text.isdigit() or len(text) > 12:
        raise refuse(404, "not_found")
    return int(text)


def _stored_file(request: web.Request) -> StoredFile:
    """The stored file the path names, if this desk may see it and it is still kept."""
    scope = scope_of(request)
    source, item_id = request.match_info["source"], _number(request.match_info["item_id"])
    if source not in SOURCES:
        raise refuse(404, "not_found")
    with deps_of(request).ctx.session() as session:
        row = stored.of_source(session, source, [item_id]).get(item_id)
    if row is None:
        raise refuse(404, "not_found")
    require_enterprise(scope, row.enterprise_id)
    if row.key is None or row.purged_at is not None:
        raise refuse(404, "not_found")
    return row


def _file_name(row: StoredFile) -> str:
    """``2026-12-03_evidence-12.jpg``: the day it arrived (UTC), what it is, its id."""
    ext = (row.key or "").rsplit(".", 1)[-1]
    return f"{row.received_at:%Y-%m-%d}_{row.source}-{row.source_id}.{ext}"


async def _bytes(request: web.Request, key: str) -> bytes:
    try:
        return await deps_of(request).ctx.evidence_store().get(key)
    except StoredObjectMissing:
        raise refuse(404, "not_found") from None


async def thumbnail_route(request: web.Request) -> web.Response:
    row = _stored_file(request)
    if not (row.content_type or "").startswith("image/"):
        raise refuse(404, "not_found")
    try:
        data = await thumbnail(deps_of(request).ctx.evidence_store(), row.key or "")
    except StoredObjectMissing:
        raise refuse(404, "not_found") from None
    return web.Response(body=data, content_type="image/jpeg", headers={"Cache-Control": CACHE})


async def file_route(request: web.Request) -> web.Response:
    row = _stored_file(request)
    data = await _bytes(request, row.key or "")
    shown = "inline" if (row.content_type or "").startswith("image/") else "attachment"
    headers = {
        "Cache-Control": CACHE,
        "Content-Disposition": f'{shown}; filename="{_file_name(row)}"',
    }
    return web.Response(body=data, content_type=row.content_type or "", headers=headers)


class _Sink(io.RawIOBase):
    """What ``zipfile`` writes, taken out chunk by chunk and sent as it comes."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data, self.chunks = b"".join(self.chunks), []
        return data


async def zip_route(request: web.Request) -> web.StreamResponse:
    """The enterprise's stored evidence of a period, one zip, streamed file by file."""
    scope = scope_of(request)
    enterprise_id = enterprise_id_of(request)
    require_enterprise(scope, enterprise_id)
    ctx = deps_of(request).ctx
    with ctx.session() as session:
        enterprise = session.get(Enterprise, enterprise_id)
        if enterprise is None:
            raise refuse(404, "not_found")
        tz = enterprise.timezone
        try:
            today = local_today(ctx.clock.now(), tz)
            period = period_param(request.query.get("period"), today)
        except BadDeskPeriod:
            raise refuse(400, "bad_period") from None
        rows = stored.in_period(
            session, enterprise_id, period.range.start_utc(tz), period.range.end_utc(tz)
        )
    response = web.StreamResponse(headers=PAGE_HEADERS | {
        "Content-Type": "application/zip",
        "Content-Disposition": f'attachment; filename="evidence-{enterprise_id}-{period.text}.zip"',
        "Cache-Control": "no-store",
    })  # fmt: skip
    await response.prepare(request)
    sink, manifest = _Sink(), io.StringIO()
    table = csv.writer(manifest)
    table.writerow(["file", "kind", "source", "received_at", "size", "content_type", "sha256"])
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_STORED) as archive:  # photos are compressed
        for row in rows:
            try:
                data = await ctx.evidence_store().get(row.key or "")
            except StoredObjectMissing:
                continue
            name = _file_name(row)
            archive.writestr(name, data)
            table.writerow([name, row.kind, row.source, row.received_at.isoformat(),
                            row.size, row.content_type, row.sha256])  # fmt: skip
            await response.write(sink.take())
        archive.writestr("manifest.csv", manifest.getvalue().encode("utf-8-sig"))
    await response.write(sink.take())
    await response.write_eof()
    return response


def register(app: web.Application) -> None:
    app.router.add_get("/evidence/{source}/{item_id}/thumb", thumbnail_route,
                       name="evidence_thumbnail")  # fmt: skip
    app.router.add_get("/evidence/{source}/{item_id}", file_route, name="evidence_file")
    app.router.add_get("/enterprise/{enterprise_id}/evidence.zip", zip_route,
                       name="evidence_zip")  # fmt: skip
