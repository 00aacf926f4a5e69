"""``/event``: log a hire, a 三违 finding, a work start, an accident…; its duties follow."""

from __future__ import annotations

from bot.telegram.events.handlers import handlers
from bot.telegram.feature import Feature

FEATURE = Feature(
    "events",
    handlers=lambda _runtime: handlers(),
)
