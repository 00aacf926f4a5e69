"""🪪 Certificate reminders: each holder and the safety officer told privately before a review or
an expiry, and once more when it lapsed (the holder stands down until renewed)."""

from __future__ import annotations

from bot.telegram.feature import Feature
from bot.telegram.people_reminders.jobs import send_certificate_reminders

FEATURE = Feature(
    "people_reminders", handlers=lambda _runtime: [], tick_jobs=(send_certificate_reminders,)
)
