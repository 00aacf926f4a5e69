"""☑️ ``/selfcheck``: the sector's 重大事故隐患判定标准 as a private checklist."""

from __future__ import annotations

from bot.telegram.feature import Feature
from bot.telegram.selfcheck.handlers import handlers, message_handlers

FEATURE = Feature(
    "selfcheck",
    handlers=lambda _runtime: handlers(),
    message_handlers=lambda _runtime: message_handlers(),
)
