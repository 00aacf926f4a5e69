"""What services need from the outside world, built once in main and passed down."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlmodel import Session

from bot.catalog import Catalog
from bot.catalog.hazard_standards import HazardStandards
from bot.catalog.people import PeopleRules
from bot.clock import Clock
from bot.config import Settings
from bot.domain.workcalendar import WorkCalendar
from bot.storage import EvidenceStore, open_store


@dataclass
class AppContext:
    settings: Settings
    engine: Engine
    catalog: Catalog
    calendar: WorkCalendar
    clock: Clock
    hazard_standards: HazardStandards  # the 重大事故隐患判定标准 (schedules/hazard_standards)
    people_rules: PeopleRules  # certificate kinds and training hours (schedules/people.yaml)

    _evidence_store: EvidenceStore | None = field(default=None, repr=False)

    def evidence_store(self) -> EvidenceStore:
        """Where evidence files are kept (``evidence_store`` setting), opened on first use."""
        if self._evidence_store is None:
            self._evidence_store = open_store(self.settings)
        return self._evidence_store

    def session(self) -> Session:
        """A new session; callers use it as a context manager and commit in the service."""
        return Session(self.engine, expire_on_commit=False)
