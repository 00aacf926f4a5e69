"""``/start``, ``/help``, and the answers to commands and buttons nobody else took."""

from __future__ import annotations

from bot.telegram.feature import Feature
from bot.telegram.help.handlers import fallback_handlers, handlers

FEATURE = Feature("help", handlers=lambda _runtime: handlers())
# Registered after every feature, last in group 0: only what nobody else took.
FALLBACK = fallback_handlers
