"""``/join`` and ``/officer``: who is on the roster and who is the safety officer."""

from __future__ import annotations

from bot.telegram.feature import Feature
from bot.telegram.roster.handlers import handlers

FEATURE = Feature(
    "roster",
    handlers=lambda _runtime: handlers(),
)
