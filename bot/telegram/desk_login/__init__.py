"""``/web``: a one-time login link to the office's web desk, sent privately."""

from __future__ import annotations

from bot.telegram.desk_login import handlers
from bot.telegram.feature import Feature

FEATURE = Feature("desk_login", handlers=lambda _runtime: handlers.handlers())
