"""Small JPEG thumbnails for the desk, made on first request and cached in the store."""

from __future__ import annotations

import asyncio
import io

from PIL import Image, ImageOps

from bot.storage.base import EvidenceStore, StoredObjectMissing
from bot.storage.files import thumbnail_key

SIZE = (320, 320)


def make_thumbnail(data: bytes, size: tuple[int, int] = SIZE) -> bytes:
    """A JPEG at most ``size``, turned upright (EXIF orientation), without its metadata."""
    with Image.open(io.BytesIO(data)) as image:
        image.draft("RGB", size)  # JPEG: decode at a reduced scale, much faster for big photos
        upright = ImageOps.exif_transpose(image).convert("RGB")
    upright.thumbnail(size)
    out = io.BytesIO()
    upright.save(out, "JPEG", quality=80, optimize=True)
    return out.getvalue()


async def thumbnail(store: EvidenceStore, key: str) -> bytes:
    """The cached thumbnail of the image under ``key``, made (in a worker thread) if missing;
    ``StoredObjectMissing`` when the image itself is gone."""
    cached = thumbnail_key(key)
    try:
        return await store.get(cached)
    except StoredObjectMissing:
        pass
    small = await asyncio.to_thread(make_thumbnail, await store.get(key))
    await store.put(cached, small, "image/jpeg")
    return small
