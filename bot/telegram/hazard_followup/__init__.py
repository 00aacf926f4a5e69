"""⏰ Hazards followed up: deadline reminders, overdue escalation, major hazards to the offices."""

from __future__ import annotations

from bot.telegram.feature import Feature
from bot.telegram.hazard_followup.jobs import follow_up_hazards

FEATURE = Feature("hazard_followup", handlers=lambda _runtime: [], tick_jobs=(follow_up_hazards,))
