"""逢查必考: ``/quiz``, ``/check``, ``/retrain``, ``/me``, the quiz buttons and their periodic jobs."""

from __future__ import annotations

from bot.telegram.feature import Feature
from bot.telegram.quiz.handlers import handlers
from bot.telegram.quiz.jobs import close_expired_checks, send_due_retests

FEATURE = Feature(
    "quiz",
    handlers=lambda _runtime: handlers(),
    tick_jobs=(close_expired_checks, send_due_retests),
)
