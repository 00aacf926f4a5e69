"""Drill scenarios (``messages/drills/scenarios.yaml``): what 关避喊报助 means in each accident.

The texts are written by safety trainers, not programmers, so they are data validated with
pydantic and loaded through ``bot.datafile`` (errors name file, line and field). The length
limits are Telegram's: a correction is shown in a callback alert (≤ 200 characters with our
prefix), a step's text on a button that should still read on a phone.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from bot.catalog.models import Area
from bot.datafile import load_model
from bot.domain.drill import STEPS, Step
from bot.errors import DrillUsage
from bot.i18n import LocalizedText, normalize_locale

BUTTON_MAX = 48
WHY_MAX = 160
COUNT_MAX = 10_000  # an expected head count above this is a typo
SCENARIOS_FILE = Path("drills") / "scenarios.yaml"


def _limit(limit: int) -> AfterValidator:
    def check(text: LocalizedText) -> LocalizedText:
        for locale, value in (("zh_CN", text.zh_CN), ("en", text.en)):
            if len(value.encode("utf-16-le")) // 2 > limit:
                raise ValueError(f"{locale} text is longer than {limit} characters")
        return text

    return AfterValidator(check)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StepInfo(_Model):
    id: Step
    sign: Annotated[str, Field(min_length=1, max_length=2)]
    name: LocalizedText
    meaning: LocalizedText

    def sign_for(self, locale: str) -> str:
        """The step's one-character sign (关) in Chinese; its name in other languages."""
        return self.sign if normalize_locale(locale) == "zh_CN" else self.name.get(locale)


class StepText(_Model):
    do: Annotated[LocalizedText, _limit(BUTTON_MAX)]
    why: Annotated[LocalizedText, _limit(WHY_MAX)]


class Words(_Model):
    """What people type for a scenario or an area: the shown keyword and other accepted words."""

    keyword: LocalizedText
    aliases: tuple[str, ...] = ()

    def matches(self, key: str) -> bool:
        words = {self.keyword.zh_CN, self.keyword.en, *self.aliases}
        return key in {w.lower() for w in words}


class Scenario(_Model):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z_]{1,30}$")]
    keyword: LocalizedText
    aliases: tuple[str, ...] = ()
    title: LocalizedText
    sectors: Literal["all"] | tuple[Annotated[str, Field(pattern=r"^[a-z][a-z_]{1,40}$")], ...]
    replaces: tuple[str, ...] = ()  # general scenarios this one stands in for in its sectors
    situation: LocalizedText
    steps: dict[Step, StepText]

    @field_validator("steps")
    @classmethod
    def _all_five(cls, value: dict[Step, StepText]) -> dict[Step, StepText]:
        missing = [s.value for s in STEPS if s not in value]
        if missing:
            raise ValueError(f"missing steps: {', '.join(missing)}")
        return value

    def suits(self, sector: str) -> bool:
        return self.sectors == "all" or sector in self.sectors


class ScenarioBook(_Model):
    steps: tuple[StepInfo, ...]
    commands: dict[Literal["end", "stats"], tuple[str, ...]]
    areas: dict[Area, Words]
    scenarios: tuple[Scenario, ...]

    @field_validator("steps")
    @classmethod
    def _fixed_order(cls, value: tuple[StepInfo, ...]) -> tuple[StepInfo, ...]:
        if tuple(s.id for s in value) != STEPS:
            raise ValueError(f"steps must be exactly {', '.join(STEPS)} in this order")
        return value

    @field_validator("areas")
    @classmethod
    def _every_area(cls, value: dict[Area, Words]) -> dict[Area, Words]:
        missing = [a.value for a in Area if a not in value]
        if missing:
            raise ValueError(f"missing areas: {', '.join(missing)}")
        return value

    @field_validator("scenarios")
    @classmethod
    def _unique(cls, value: tuple[Scenario, ...]) -> tuple[Scenario, ...]:
        ids = [s.id for s in value]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate scenario ids: {', '.join(dupes)}")
        return value

    def step(self, step: Step) -> StepInfo:
        return self.steps[STEPS.index(step)]

    def get(self, scenario_id: str) -> Scenario | None:
        return next((s for s in self.scenarios if s.id == scenario_id), None)

    def find_scenario(self, text: str) -> Scenario | None:
        """A scenario by id, keyword, title or alias (case-insensitive)."""
        key = text.strip().lower()
        for s in self.scenarios:
            words = {s.id, s.keyword.zh_CN, s.keyword.en, s.title.zh_CN, s.title.en, *s.aliases}
            if key in {w.lower() for w in words}:
                return s
        return None

    def command_of(self, text: str) -> str | None:
        """``end`` or ``stats`` when ``text`` is one of their words."""
        key = text.strip().lower()
        return next((c for c, words in self.commands.items() if key in words), None)

    def find_area(self, text: str) -> Area | None:
        key = text.strip().lower()
        return next(
            (a for a, words in self.areas.items() if key == a.value or words.matches(key)), None
        )

    def resolve(self, scenario_id: str, sector: str) -> str:
        """The scenario to run: a sector's own version of a general one (fireworks: never
        fight the fire) replaces it there."""
        own = next(
            (s for s in self.scenarios if s.suits(sector) and scenario_id in s.replaces), None
        )
        return own.id if own is not None else scenario_id

    def for_sector(self, sector: str) -> list[Scenario]:
        """The scenarios offered to an enterprise of ``sector`` (every scenario if none fits)."""
        return [s for s in self.scenarios if s.suits(sector)] or list(self.scenarios)

    def unknown_sectors(self, known: set[str]) -> list[tuple[str, str]]:
        """(scenario id, sector id) pairs naming a sector that schedules/sectors.yaml lacks."""
        return [
            (s.id, sector)
            for s in self.scenarios
            if s.sectors != "all"
            for sector in s.sectors
            if sector not in known
        ]


@cache
def load_scenarios(messages_dir: Path) -> ScenarioBook:
    """The scenario book under ``messages_dir`` (cached: the file is read once per process)."""
    return load_model(messages_dir / SCENARIOS_FILE, ScenarioBook)


@dataclass(frozen=True)
class DrillCommand:
    """What ``/drill …`` asked for; missing parts are chosen with buttons."""

    action: str = "start"  # start | end | stats
    scenario: str | None = None
    area: str | None = None
    count: int | None = None


def parse_command(book: ScenarioBook, args: list[str]) -> DrillCommand:
    """Tokens in any order: a scenario, an area, a head count; or an end / stats word."""
    if len(args) == 1 and book.command_of(args[0]) is not None:
        return DrillCommand(action=book.command_of(args[0]) or "start")
    found: dict[str, Any] = {}
    for token in args:
        scenario, area = book.find_scenario(token), book.find_area(token)
        if token.isdecimal() and 0 < int(token) <= COUNT_MAX and "count" not in found:
            found["count"] = int(token)
        elif scenario is not None and "scenario" not in found:
            found["scenario"] = scenario.id
        elif area is not None and "area" not in found:
            found["area"] = area.value
        else:
            raise DrillUsage(given=token)
    return DrillCommand(**found)
