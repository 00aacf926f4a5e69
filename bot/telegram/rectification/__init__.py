"""🔧 A hazard's 五落实, its rectification with after-photos, and the officer's 销号 or sending back."""

from __future__ import annotations

from bot.telegram.feature import Feature
from bot.telegram.rectification.handlers import handlers, message_handlers

FEATURE = Feature(
    "rectification",
    handlers=lambda _runtime: handlers(),
    message_handlers=lambda _runtime: message_handlers(),
)
