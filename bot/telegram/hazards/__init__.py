"""⚠️ Hazards: reported in the group (``/hazard``, a photo captioned #隐患) or privately, graded
一般 / 重大 against the sector's 判定标准, closed as invalid, their history shown."""

from __future__ import annotations

from bot.telegram.feature import Feature
from bot.telegram.hazards.handlers import handlers, message_handlers

FEATURE = Feature(
    "hazards",
    handlers=lambda _runtime: handlers(),
    message_handlers=lambda _runtime: message_handlers(),
)
