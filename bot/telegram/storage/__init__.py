"""🗄 Evidence kept in our own storage: downloads when files arrive (``archive``), a later try
for failed downloads and the retention purge (``jobs``, run after each scheduler tick)."""

from __future__ import annotations

from bot.telegram.feature import Feature
from bot.telegram.storage.jobs import fetch_missing, purge_expired

FEATURE = Feature("storage", handlers=lambda _runtime: [], tick_jobs=(fetch_missing, purge_expired))
