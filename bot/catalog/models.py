"""Validated models of the declarative obligation catalog in ``schedules/``.

The YAML files are edited by people who know the work lists, not the code; every rule that
can be checked without running the bot is checked here (field validators: the error points at
the offending key, with its file and line), not found as a wrong reminder months later.
"""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, ValidationInfo, field_validator

from bot.catalog.entities import (
    Area,
    AreaFile,
    AreaName,
    Document,
    DocumentFile,
    Sector,
    SectorFile,
    SourceRef,
)
from bot.catalog.regions import NATIONAL, RegionId
from bot.catalog.schedule import (
    ClockTime,
    FrozenModel,
    MonthDay,
    Period,
    Schedule,
    Trigger,
    parse_clock,
    parse_month_day,
)
from bot.domain.reminder_kind import Family, ReminderKind
from bot.i18n import LocalizedText

__all__ = [
    "NATIONAL",
    "REMINDER_FAMILIES",
    "Applies",
    "Area",
    "AreaFile",
    "AreaName",
    "Concerns",
    "Confirm",
    "Document",
    "DocumentFile",
    "Evidence",
    "HolidayShift",
    "Kind",
    "Obligation",
    "ObligationFile",
    "Period",
    "Reminders",
    "Schedule",
    "Scope",
    "Sector",
    "SectorFile",
    "SourceRef",
    "Trigger",
    "Variant",
    "parse_clock",
    "parse_month_day",
]


class Concerns(StrEnum):
    """Who an obligation is addressed to (and who an escalation goes to)."""

    MAIN_LEADER = "main_leader"
    SAFETY_OFFICER = "safety_officer"
    ALL_STAFF = "all_staff"
    COMMITTEE = "committee"


class Scope(StrEnum):
    """Whether the obligation belongs to an enterprise chat, an office (安委办) chat, or both."""

    ENTERPRISE = "enterprise"
    OFFICE = "office"
    ALL = "all"


class Kind(StrEnum):
    """A duty to confirm, or a campaign period (安全生产月) that is announced, not confirmed."""

    DUTY = "duty"
    CAMPAIGN = "campaign"


class Confirm(StrEnum):
    """Whether one confirmation closes an occurrence or every concerned person must confirm."""

    ONE = "one"
    EACH = "each"


class Evidence(StrEnum):
    PHOTO = "photo"
    DOCUMENT = "document"
    NOTE = "note"
    ATTENDANCE = "attendance"  # a head count of who took part


class HolidayShift(StrEnum):
    """Where a due date that falls on a non-working day moves to."""

    PREVIOUS = "previous"
    NEXT = "next"
    NONE = "none"


REMINDER_FAMILIES: tuple[str, ...] = tuple(f.value for f in Family)  # one template each


_Model = FrozenModel
ONLY_NATIONAL: frozenset[str] = frozenset({NATIONAL})
SETTABLE = frozenset({"period", "window", "within_days", "within_hours", "quota"})
"""Schedule fields an entry may declare as ``settings``: values chosen here, not by a source."""


class Reminders(_Model):
    """When to remind, relative to the due date, in the enterprise's local time."""

    lead_days: tuple[Annotated[int, Field(ge=0, le=90)], ...] = (7, 1, 0)
    time: ClockTime = "09:00"
    overdue_every_days: Annotated[int, Field(ge=0, le=30)] = 3
    overdue_max: Annotated[int, Field(ge=0, le=10)] = 2
    escalate_after_days: Annotated[int, Field(ge=0, le=60)] = 3
    escalate_to: Concerns = Concerns.SAFETY_OFFICER

    @field_validator("lead_days")
    @classmethod
    def _distinct_leads(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if len(set(value)) != len(value):
            raise ValueError("lead_days must not repeat")
        return value


class Applies(_Model):
    """Which enterprises an obligation (or a variant) applies to.

    ``regions`` matches a profile whose path to national law contains one of them, so
    ``[hubei]`` also matches an enterprise in Ezhou.
    """

    sectors: tuple[str, ...] = ()
    high_risk: bool | None = None
    regions: tuple[RegionId, ...] = ()

    def matches(
        self, sector: str, high_risk: bool, regions: Collection[str] = ONLY_NATIONAL
    ) -> bool:
        if self.sectors and sector not in self.sectors:
            return False
        if self.regions and not set(self.regions) & set(regions):
            return False
        return self.high_risk is None or self.high_risk == high_risk


class Variant(_Model):
    """An override for enterprises matching ``when`` (e.g. high-risk: monthly). ``sources``:
    the rule that makes the difference; ``skip`` drops the entry there; ``areas``: per area."""

    when: Applies
    period: Period | None = None
    quota: Annotated[int, Field(ge=1, le=100)] | None = None
    window: tuple[MonthDay, MonthDay] | None = None
    areas: tuple[Area, ...] | None = None
    skip: bool = False
    sources: tuple[SourceRef, ...] = ()

    def changes(self) -> dict[str, Any]:
        """The schedule fields this variant overrides."""
        fields = {"period": self.period, "quota": self.quota, "window": self.window}
        return {k: v for k, v in fields.items() if v is not None}


class Obligation(_Model):
    """One duty (or campaign) of the work lists, as data."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{1,40}$")]
    kind: Kind = Kind.DUTY
    scope: Scope = Scope.ENTERPRISE
    title: LocalizedText
    description: LocalizedText
    concerns: Concerns = Concerns.MAIN_LEADER
    confirm: Confirm = Confirm.ONE
    evidence: tuple[Evidence, ...] = ()
    schedule: Schedule
    applies: Applies = Applies()
    variants: tuple[Variant, ...] = ()
    areas: tuple[Area, ...] = ()
    holiday_shift: HolidayShift = HolidayShift.PREVIOUS
    optional: bool = False
    reminders: Reminders = Reminders()
    sources: Annotated[tuple[SourceRef, ...], Field(min_length=1)]
    regions: tuple[RegionId, ...] = ()  # empty in YAML: derived from the sources' documents
    settings: tuple[str, ...] = ()  # schedule fields whose values are our defaults, not a rule
    per_shift: bool = False  # a daily duty held before every shift at a continuous site
    on_confirm: Trigger | None = None  # confirming it is this event (an inspection: 逢查必考)

    @field_validator("settings")
    @classmethod
    def _known_settings(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = sorted(set(value) - SETTABLE)
        if unknown:
            raise ValueError(f"{unknown} cannot be settings; use {sorted(SETTABLE)}")
        return value

    @field_validator("evidence", "areas", "regions")
    @classmethod
    def _no_repeats(cls, value: tuple[Any, ...]) -> tuple[Any, ...]:
        if len(set(value)) != len(value):
            raise ValueError("items must not repeat")
        return value

    @field_validator("reminders")
    @classmethod
    def _reminders_fit(cls, value: Reminders, info: ValidationInfo) -> Reminders:
        schedule = info.data.get("schedule")
        if info.data.get("kind") is Kind.CAMPAIGN:
            explicit = value.model_fields_set & {"overdue_every_days", "escalate_after_days"}
            if any(getattr(value, name) for name in explicit):
                raise ValueError(
                    "a campaign is announced, not confirmed: set overdue_every_days"
                    " and escalate_after_days to 0"
                )
        elif value.escalate_after_days and value.escalate_to == info.data.get("concerns"):
            raise ValueError(f"escalate_to {value.escalate_to} is whom the duty concerns already")
        if (
            isinstance(schedule, Schedule)
            and 0 in value.lead_days
            and info.data.get("kind") is not Kind.CAMPAIGN
            and parse_clock(value.time) > parse_clock(schedule.due_time)
        ):
            raise ValueError(
                f"the due-day reminder at {value.time} would come after the"
                f" {schedule.due_time} due time"
            )
        return value

    def variant_for(
        self, sector: str, high_risk: bool, regions: Collection[str] = ONLY_NATIONAL
    ) -> Variant | None:
        """The first variant matching this enterprise, if any."""
        return next((v for v in self.variants if v.when.matches(sector, high_risk, regions)), None)

    def schedule_for(
        self, sector: str, high_risk: bool, regions: Collection[str] = ONLY_NATIONAL
    ) -> Schedule:
        """The schedule after applying the first variant matching this enterprise."""
        variant = self.variant_for(sector, high_risk, regions)
        if variant is None or not variant.changes():
            return self.schedule
        merged = {**self.schedule.model_dump(exclude_defaults=True), **variant.changes()}
        return Schedule.model_validate(merged)

    def areas_for(
        self, sector: str, high_risk: bool, regions: Collection[str] = ONLY_NATIONAL
    ) -> tuple[Area, ...]:
        variant = self.variant_for(sector, high_risk, regions)
        return self.areas if variant is None or variant.areas is None else variant.areas

    def in_region(self, regions: Collection[str]) -> bool:
        """Whether a profile (its regions up to national) takes a document this entry cites."""
        return bool(set(self.regions) & set(regions))

    def applies_to(
        self, sector: str, high_risk: bool, regions: Collection[str] = ONLY_NATIONAL
    ) -> bool:
        """In the profile's regions, for its sector and risk level, and not skipped there."""
        if not (self.in_region(regions) and self.applies.matches(sector, high_risk, regions)):
            return False
        variant = self.variant_for(sector, high_risk, regions)
        return variant is None or not variant.skip

    def reminder_families(self) -> set[str]:
        """The reminder families this entry's settings produce (see ``plan_reminders``)."""
        if self.kind is Kind.CAMPAIGN:
            return {Family.CAMPAIGN.value}
        cfg = self.reminders
        families = {ReminderKind.lead(d).family.value for d in cfg.lead_days}
        if cfg.overdue_every_days and cfg.overdue_max:
            families.add(Family.OVERDUE.value)
        if cfg.escalate_after_days:
            families.add(Family.ESCALATE.value)
        return families

    @property
    def citations(self) -> list[str]:
        """Sources as short labels (``S0#8``)."""
        return [str(s) for s in self.sources]


class ObligationFile(_Model):
    obligations: tuple[Obligation, ...]
