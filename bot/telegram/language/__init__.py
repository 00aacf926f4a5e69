"""``/lang`` for groups and private chats."""

from __future__ import annotations

from bot.telegram.feature import Feature
from bot.telegram.language.handlers import handlers

FEATURE = Feature(
    "language",
    handlers=lambda _runtime: handlers(),
)
