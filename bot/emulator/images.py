"""Stand-in photos: small real JPEGs (each a different colour), as Telegram would serve."""

from __future__ import annotations

import io

from PIL import Image


def emulated_jpeg(n: int, size: tuple[int, int] = (64, 48)) -> bytes:
    """A small JPEG whose colour depends on ``n`` (so two photos have different bytes)."""
    colour = ((n * 67) % 256, (n * 131) % 256, (n * 29) % 256)
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG", quality=85)
    return out.getvalue()
