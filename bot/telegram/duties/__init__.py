"""``/due`` and ``/obligations``: what is open and what applies."""

from __future__ import annotations

from bot.telegram.duties.handlers import handlers
from bot.telegram.feature import Feature

FEATURE = Feature(
    "duties",
    handlers=lambda _runtime: handlers(),
)
