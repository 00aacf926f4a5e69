"""``/setup`` (sector, region, working pattern, name), ``/shifts`` and ``/profile``."""

from __future__ import annotations

from bot.telegram.feature import Feature
from bot.telegram.setup import attributes, handlers, shifts

FEATURE = Feature(
    "setup",
    handlers=lambda _runtime: handlers.handlers() + shifts.handlers() + attributes.handlers(),
    message_handlers=lambda _runtime: handlers.message_handlers(),
)
