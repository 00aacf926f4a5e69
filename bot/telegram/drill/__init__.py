"""``/drill`` and ``/practice``: 关避喊报助 drills, their live roll-call and reports."""

from __future__ import annotations

from bot.telegram.drill.handlers import handlers, message_handlers
from bot.telegram.drill.live import end_stale_drills
from bot.telegram.feature import Feature

FEATURE = Feature(
    "drill",
    handlers=lambda _runtime: handlers(),
    message_handlers=lambda _runtime: message_handlers(),
    tick_jobs=(end_stale_drills,),
)
