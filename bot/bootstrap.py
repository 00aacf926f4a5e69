"""Start-up: open the database, apply migrations, load and check the catalog. Fails fast."""

from __future__ import annotations

import logging

from bot.catalog import load_catalog
from bot.catalog.hazard_standards import load_hazard_standards
from bot.catalog.holidays import calendar_warnings, load_work_calendar
from bot.catalog.people import load_people_rules
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.services.context import AppContext
from bot.services.quiz.quizzes import question_bank
from bot.store.db import make_engine, upgrade

log = logging.getLogger(__name__)


def build_context(settings: Settings, clock: Clock | None = None) -> AppContext:
    """Everything services need; raises DataFileError for a broken catalog before anything runs."""
    clock = clock or SystemClock()
    engine = make_engine(settings.database_url)
    if settings.db_auto_migrate:
        upgrade(engine)
    catalog = load_catalog(settings.schedules_dir)
    question_bank(settings)  # a question Telegram would refuse as a poll stops the start here
    holidays = settings.schedules_dir / "holidays"
    calendar = load_work_calendar(holidays)
    for warning in calendar_warnings(calendar, clock.now().date(), holidays):
        log.warning("%s", warning)
    return AppContext(
        settings=settings,
        engine=engine,
        catalog=catalog,
        calendar=calendar,
        clock=clock,
        hazard_standards=load_hazard_standards(settings.schedules_dir),
        people_rules=load_people_rules(settings.schedules_dir),
    )
