"""Office staff: link codes, unlinking, the office ``/stats``, ``/report`` and evidence links."""

from __future__ import annotations

from bot.telegram.feature import Feature
from bot.telegram.office import handlers, links

FEATURE = Feature(
    "office",
    handlers=lambda runtime: handlers.handlers(runtime) + links.handlers(),
    message_handlers=lambda _runtime: links.message_handlers(),
)
