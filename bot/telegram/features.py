"""Every feature of the bot, in registration order (PTB runs the first matching handler)."""

from __future__ import annotations

from bot.telegram import (
    digest,
    drill,
    duties,
    events,
    evidence,
    hazard_followup,
    hazards,
    help,
    language,
    membership,
    office,
    quiz,
    rectification,
    reminders,
    roster,
    selfcheck,
    setup,
    stats,
)
from bot.telegram.feature import Feature

FEATURES: tuple[Feature, ...] = (
    membership.FEATURE,
    setup.FEATURE,
    reminders.FEATURE,
    digest.FEATURE,
    evidence.FEATURE,
    roster.FEATURE,
    duties.FEATURE,
    events.FEATURE,
    office.FEATURE,  # before stats: the office /stats matches office chats only
    quiz.FEATURE,
    drill.FEATURE,
    hazards.FEATURE,
    rectification.FEATURE,
    hazard_followup.FEATURE,
    selfcheck.FEATURE,
    stats.FEATURE,
    language.FEATURE,
    help.FEATURE,
)
FALLBACK = help.FALLBACK
