"""``/setup`` (sector, region, working pattern, name) and ``/shifts``."""

from __future__ import annotations

from bot.telegram.feature import Feature
from bot.telegram.setup import handlers, shifts

FEATURE = Feature(
    "setup",
    handlers=lambda _runtime: handlers.handlers() + shifts.handlers(),
    message_handlers=lambda _runtime: handlers.message_handlers(),
)
