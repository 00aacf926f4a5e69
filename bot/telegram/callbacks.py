"""Callback data codec for reminders and setup: short strings within Telegram's 64 bytes.

Callback data come from the client and may be forged; decoding only checks the shape. What
the ids refer to is checked by the service against the chat the press came from. Other
features (quiz, drills, language, offices) have codecs of their own with other prefixes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_BYTES = 64


def framed(prefix: str, body: str) -> str:
    """``prefix + body`` as a button's callback data; over Telegram's 64 bytes is a bug."""
    data = prefix + body
    if len(data.encode()) > MAX_BYTES:
        raise ValueError("callback data over 64 bytes")
    return data


def unframed(
    data: str | None, prefix: str, patterns: dict[str, re.Pattern[str]]
) -> tuple[str, tuple[str, ...]] | None:
    """The key (the first character after ``prefix``) and the groups of the pattern that key
    names, when ``data`` matches it whole; None for anything else (forged or malformed)."""
    size = len(data.encode("utf-8", "surrogatepass")) if data else 0
    if not data or size > MAX_BYTES or not data.startswith(prefix):
        return None
    body = data[len(prefix) :]
    pattern = patterns.get(body[:1])
    match = pattern.fullmatch(body) if pattern else None
    return None if match is None else (body[:1], match.groups())


@dataclass(frozen=True)
class Confirm:
    occurrence_id: int


@dataclass(frozen=True)
class ChooseSector:
    sector_id: str


@dataclass(frozen=True)
class ChooseRegion:
    region_id: str


@dataclass(frozen=True)
class SnoozeMenu:
    occurrence_id: int


@dataclass(frozen=True)
class Snooze:
    occurrence_id: int
    choice: str  # "h1" one hour, "d1" next workday, "d3" three days; "no" = back


@dataclass(frozen=True)
class AddEvidence:
    occurrence_id: int


@dataclass(frozen=True)
class ShowEvidence:
    occurrence_id: int


@dataclass(frozen=True)
class ShowSources:
    """The 📖 toggle under a reminder: show (or hide) the 依据 of the message's items."""

    occurrence_id: int  # one item of the message, to find the message's enterprise
    show: bool


@dataclass(frozen=True)
class Undo:
    occurrence_id: int


@dataclass(frozen=True)
class Join:
    pass


Callback = (
    Confirm
    | ChooseSector
    | ChooseRegion
    | SnoozeMenu
    | Snooze
    | AddEvidence
    | ShowEvidence
    | ShowSources
    | Undo
    | Join
)

SNOOZE_CHOICES = ("h1", "d1", "d3")
_ID = r"([1-9][0-9]{0,17})"  # ASCII digits, no leading zero: one id, one spelling


def encode(callback: Callback) -> str:
    match callback:
        case Confirm(occurrence_id=i):
            data = f"cf:{i}"
        case ChooseSector(sector_id=s):
            data = f"st:{s}"
        case ChooseRegion(region_id=r):
            data = f"rg:{r}"
        case SnoozeMenu(occurrence_id=i):
            data = f"sm:{i}"
        case Snooze(occurrence_id=i, choice=c):
            data = f"sz:{i}:{c}"
        case AddEvidence(occurrence_id=i):
            data = f"ev:{i}"
        case ShowEvidence(occurrence_id=i):
            data = f"vw:{i}"
        case ShowSources(occurrence_id=i, show=show):
            data = f"sr:{i}:{int(show)}"
        case Undo(occurrence_id=i):
            data = f"ud:{i}"
        case Join():
            data = "jn"
    if len(data.encode()) > MAX_BYTES:
        raise ValueError("callback data over 64 bytes")
    return data


_DECODERS: list[tuple[re.Pattern[str], type]] = [
    (re.compile(rf"cf:{_ID}"), Confirm),
    (re.compile(r"st:([a-z][a-z_]{1,40})"), ChooseSector),
    (re.compile(r"rg:([a-z][a-z_]{1,30})"), ChooseRegion),
    (re.compile(rf"sm:{_ID}"), SnoozeMenu),
    (re.compile(rf"sz:{_ID}:(h1|d1|d3|no)"), Snooze),
    (re.compile(rf"ev:{_ID}"), AddEvidence),
    (re.compile(rf"vw:{_ID}"), ShowEvidence),
    (re.compile(rf"sr:{_ID}:([01])"), ShowSources),
    (re.compile(rf"ud:{_ID}"), Undo),
    (re.compile(r"jn"), Join),
]


def decode(data: str | None) -> Callback | None:
    """The callback a button carries, or None for anything malformed."""
    if not data or len(data.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        return None
    for pattern, kind in _DECODERS:
        match = pattern.fullmatch(data)
        if match is None:
            continue
        groups = match.groups()
        if kind in (ChooseSector, ChooseRegion):
            return kind(groups[0])
        if kind is Snooze:
            return Snooze(int(groups[0]), groups[1])
        if kind is Join:
            return Join()
        if kind is ShowSources:
            return ShowSources(int(groups[0]), groups[1] == "1")
        return kind(int(groups[0]))  # type: ignore[no-any-return]
    return None
