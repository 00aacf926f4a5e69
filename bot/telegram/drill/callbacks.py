"""Callback data of the drill buttons (prefix ``dr``): short, strict, within Telegram's 64 bytes.

Data come from the client and may be forged; decoding only checks the shape and returns None
for anything else. Whether the drill id belongs to the chat, and whether the drill still runs,
is checked by ``bot.services.drills``.

    dr:n:<scenario>:<area|->:<count>   choose a scenario / area for a new drill (count 0 = none)
    dr:s:<drill>:<step>                one of the five steps
    dr:a:<drill>                       I am at the assembly point
    dr:l:<drill>                       organizer: list the missing people to mark
    dr:k:<drill>:<user>                organizer: mark that person accounted for
    dr:e:<drill>                       organizer: end the drill
    dr:q:<scenario>                    start a private practice
    dr:p:<scenario>:<step>             a step of the private practice
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.domain.drill import Step
from bot.telegram.callbacks import framed, unframed

PREFIX = "dr:"


@dataclass(frozen=True)
class Choose:
    scenario: str
    area: str | None
    count: int | None


@dataclass(frozen=True)
class PressStep:
    drill_id: int
    step: Step


@dataclass(frozen=True)
class Arrive:
    drill_id: int


@dataclass(frozen=True)
class ListMissing:
    drill_id: int


@dataclass(frozen=True)
class Mark:
    drill_id: int
    user_id: int


@dataclass(frozen=True)
class End:
    drill_id: int


@dataclass(frozen=True)
class PracticeStart:
    scenario: str


@dataclass(frozen=True)
class PracticePress:
    scenario: str
    step: Step


DrillCallback = (
    Choose | PressStep | Arrive | ListMissing | Mark | End | PracticeStart | PracticePress
)

_ID = r"([1-9][0-9]{0,17})"  # ASCII, no leading zeros: one id, one spelling
_NAME = r"([a-z][a-z_]{1,30})"
_STEP = "(" + "|".join(s.value for s in Step) + ")"
_PATTERNS = {
    "n": re.compile(rf"n:{_NAME}:({_NAME[1:-1]}|-):(0|[1-9][0-9]{{0,4}})"),
    "s": re.compile(rf"s:{_ID}:{_STEP}"),
    "a": re.compile(rf"a:{_ID}"),
    "l": re.compile(rf"l:{_ID}"),
    "k": re.compile(rf"k:{_ID}:{_ID}"),
    "e": re.compile(rf"e:{_ID}"),
    "q": re.compile(rf"q:{_NAME}"),
    "p": re.compile(rf"p:{_NAME}:{_STEP}"),
}


def encode(callback: DrillCallback) -> str:
    match callback:
        case Choose(scenario, area, count):
            body = f"n:{scenario}:{area or '-'}:{count or 0}"
        case PressStep(drill_id, step):
            body = f"s:{drill_id}:{step.value}"
        case Arrive(drill_id):
            body = f"a:{drill_id}"
        case ListMissing(drill_id):
            body = f"l:{drill_id}"
        case Mark(drill_id, user_id):
            body = f"k:{drill_id}:{user_id}"
        case End(drill_id):
            body = f"e:{drill_id}"
        case PracticeStart(scenario):
            body = f"q:{scenario}"
        case PracticePress(scenario, step):
            body = f"p:{scenario}:{step.value}"
    return framed(PREFIX, body)


def decode(data: str | None) -> DrillCallback | None:
    """The drill callback a button carries, or None for anything malformed."""
    found = unframed(data, PREFIX, _PATTERNS)
    if found is None:
        return None
    key, g = found
    match key:
        case "n":
            return Choose(g[0], None if g[1] == "-" else g[1], int(g[2]) or None)
        case "s":
            return PressStep(int(g[0]), Step(g[1]))
        case "a":
            return Arrive(int(g[0]))
        case "l":
            return ListMissing(int(g[0]))
        case "k":
            return Mark(int(g[0]), int(g[1]))
        case "e":
            return End(int(g[0]))
        case "q":
            return PracticeStart(g[0])
        case _:
            return PracticePress(g[0], Step(g[1]))
