"""The bot joining, leaving, being muted, or following a group that became a supergroup."""

from __future__ import annotations

from bot.telegram.feature import Feature
from bot.telegram.membership.handlers import handlers

FEATURE = Feature(
    "membership",
    handlers=lambda _runtime: handlers(),
)
