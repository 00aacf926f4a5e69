"""``/digest`` (when the daily digest goes out, and how often) and ``/topic`` (where)."""

from __future__ import annotations

from bot.telegram.digest.handlers import handlers
from bot.telegram.feature import Feature

FEATURE = Feature(
    "digest",
    handlers=lambda _runtime: handlers(),
)
