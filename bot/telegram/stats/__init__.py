"""``/stats`` in an enterprise group."""

from __future__ import annotations

from bot.telegram.feature import Feature
from bot.telegram.stats.handlers import handlers

FEATURE = Feature(
    "stats",
    handlers=lambda _runtime: handlers(),
)
