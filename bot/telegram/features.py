"""Every feature of the bot, in registration order (PTB runs the first matching handler)."""

from __future__ import annotations

from bot.telegram import (
    channels,
    desk_login,
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
    people,
    people_reminders,
    quiz,
    rectification,
    reminders,
    roster,
    selfcheck,
    setup,
    stats,
    storage,
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
    desk_login.FEATURE,
    quiz.FEATURE,
    drill.FEATURE,
    hazards.FEATURE,
    rectification.FEATURE,
    hazard_followup.FEATURE,
    people_reminders.FEATURE,
    channels.FEATURE,  # after the dispatch wave that hands messages to the robots
    storage.FEATURE,
    selfcheck.FEATURE,
    people.FEATURE,
    stats.FEATURE,
    language.FEATURE,
    help.FEATURE,
)
FALLBACK = help.FALLBACK
