"""What services need from the outside world, built once in main and passed down."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session

from bot.catalog import Catalog
from bot.catalog.hazard_standards import HazardStandards
from bot.clock import Clock
from bot.config import Settings
from bot.domain.workcalendar import WorkCalendar


@dataclass
class AppContext:
    settings: Settings
    engine: Engine
    catalog: Catalog
    calendar: WorkCalendar
    clock: Clock
    hazard_standards: HazardStandards  # the 重大事故隐患判定标准 (schedules/hazard_standards)

    def session(self) -> Session:
        """A new session; callers use it as a context manager and commit in the service."""
        return Session(self.engine, expire_on_commit=False)
