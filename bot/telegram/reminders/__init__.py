"""Buttons under a reminder: ✅ confirm, ⏰ snooze, ↩️ undo; the notifier the dispatcher posts through."""

from __future__ import annotations

from bot.telegram.feature import Feature
from bot.telegram.reminders.handlers import handlers

FEATURE = Feature(
    "reminders",
    handlers=lambda _runtime: handlers(),
)
