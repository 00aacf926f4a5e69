"""📎 Evidence: asked for, taken from replies, sent back on request."""

from __future__ import annotations

from bot.telegram.evidence.handlers import handlers, message_handlers
from bot.telegram.feature import Feature

FEATURE = Feature(
    "evidence",
    handlers=lambda _runtime: handlers(),
    message_handlers=lambda _runtime: message_handlers(),
)
