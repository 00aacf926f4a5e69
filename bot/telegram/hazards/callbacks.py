"""Callback data of the hazard buttons (prefix ``hz``): short, strict, within Telegram's 64 bytes.

Data come from the client and may be forged; decoding only checks the shape and returns None
for anything else. Whether the hazard belongs to the chat the press came from, and whether
the presser may do the step, is checked by ``bot.services.hazards`` / ``bot.domain.hazard``.

    hz:g:<hazard>:<general|major>      grade
    hz:i:<hazard>:<page>               list the sector's 判定标准 items (a page of them)
    hz:p:<hazard>:<item index>         pick the item (index in ``items_for_sector`` order)
    hz:n:<hazard>                      the major hazard fits no listed item (keep it major)
    hz:w:<hazard>[:<page>]             start the 五落实 (ask the responsible person, …); with a
                                       page: that page of the roster's buttons
    hz:r:<hazard>:<user>               the responsible person chosen from the roster
    hz:x:<hazard>                      mark rectified (asks for after-photos)
    hz:v:<hazard>                      verify and close (销号)
    hz:b:<hazard>                      send back (asks for the reason)
    hz:z:<hazard>                      close as invalid (asks for the reason)
    hz:h:<hazard>                      show the hazard's steps and photos
    hz:k:<hazard>                      back from the 判定标准 items to the card's buttons
    hz:e:<enterprise>                  private report: the enterprise chosen (one on several rosters)
    hz:a:<0|1>                         private report: anonymous to the group or not
    hz:c:<self-check>:<item index>:<yes|no|na>
                                       a self-check answer for the item at that place of the
                                       standard's questions (a second press changes nothing)
    hz:c:e:<enterprise>                /selfcheck: the enterprise chosen (one who manages several)
    hz:c:s:<enterprise>:<index>        /selfcheck: the standard chosen (index in the order of
                                       ``bot.services.hazards.selfcheck.standards_for``)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.telegram.callbacks import framed, unframed

PREFIX = "hz:"


@dataclass(frozen=True)
class Grade:
    hazard_id: int
    major: bool


@dataclass(frozen=True)
class ListItems:
    hazard_id: int
    page: int


@dataclass(frozen=True)
class PickItem:
    hazard_id: int
    index: int


@dataclass(frozen=True)
class NoItem:
    hazard_id: int


@dataclass(frozen=True)
class StartPlan:
    hazard_id: int
    page: int | None = None  # None: from the card; a number: paging the roster's buttons


@dataclass(frozen=True)
class ChooseResponsible:
    hazard_id: int
    user_id: int


@dataclass(frozen=True)
class Rectify:
    hazard_id: int


@dataclass(frozen=True)
class Verify:
    hazard_id: int


@dataclass(frozen=True)
class SendBack:
    hazard_id: int


@dataclass(frozen=True)
class Invalidate:
    hazard_id: int


@dataclass(frozen=True)
class History:
    hazard_id: int


@dataclass(frozen=True)
class BackToCard:
    hazard_id: int


@dataclass(frozen=True)
class ReportEnterprise:
    enterprise_id: int


@dataclass(frozen=True)
class Anonymous:
    anonymous: bool


@dataclass(frozen=True)
class Answer:
    self_check_id: int
    index: int  # the item's place among the standard's questions
    answer: str  # yes | no | na


@dataclass(frozen=True)
class CheckEnterprise:
    enterprise_id: int


@dataclass(frozen=True)
class CheckStandard:
    enterprise_id: int
    index: int


HazardCallback = (
    Grade
    | ListItems
    | PickItem
    | NoItem
    | StartPlan
    | ChooseResponsible
    | Rectify
    | Verify
    | SendBack
    | Invalidate
    | History
    | BackToCard
    | ReportEnterprise
    | Anonymous
    | Answer
    | CheckEnterprise
    | CheckStandard
)

_ID = r"([1-9][0-9]{0,17})"  # ASCII, no leading zeros: one id, one spelling
_N = r"(0|[1-9][0-9]{0,3})"
_PATTERNS = {
    "g": re.compile(rf"g:{_ID}:(general|major)"),
    "i": re.compile(rf"i:{_ID}:{_N}"),
    "p": re.compile(rf"p:{_ID}:{_N}"),
    "r": re.compile(rf"r:{_ID}:{_ID}"),
    "w": re.compile(rf"w:{_ID}(?::{_N})?"),
    "a": re.compile(r"a:(0|1)"),
    "e": re.compile(rf"e:{_ID}"),
    "c": re.compile(rf"c:(?:{_ID}:{_N}:(yes|no|na)|e:{_ID}|s:{_ID}:{_N})"),
    **{k: re.compile(rf"{k}:{_ID}") for k in "nxvbzhk"},
}
_ONE_ID: dict[str, type[NoItem | Rectify | Verify | SendBack | Invalidate | History | BackToCard]] = {
    "n": NoItem, "x": Rectify, "v": Verify, "b": SendBack, "z": Invalidate, "h": History,
    "k": BackToCard}  # fmt: skip


def encode(callback: HazardCallback) -> str:
    match callback:
        case Grade(hazard_id, major):
            body = f"g:{hazard_id}:{'major' if major else 'general'}"
        case ListItems(hazard_id, page):
            body = f"i:{hazard_id}:{page}"
        case PickItem(hazard_id, index):
            body = f"p:{hazard_id}:{index}"
        case StartPlan(hazard_id, page):
            body = f"w:{hazard_id}" + ("" if page is None else f":{page}")
        case ChooseResponsible(hazard_id, user_id):
            body = f"r:{hazard_id}:{user_id}"
        case Anonymous(anonymous):
            body = f"a:{int(anonymous)}"
        case ReportEnterprise(enterprise_id):
            body = f"e:{enterprise_id}"
        case Answer(self_check_id, index, answer):
            body = f"c:{self_check_id}:{index}:{answer}"
        case CheckEnterprise(enterprise_id):
            body = f"c:e:{enterprise_id}"
        case CheckStandard(enterprise_id, index):
            body = f"c:s:{enterprise_id}:{index}"
        case _:
            key = next(k for k, kind in _ONE_ID.items() if isinstance(callback, kind))
            body = f"{key}:{callback.hazard_id}"
    return framed(PREFIX, body)


def decode(data: str | None) -> HazardCallback | None:
    """The hazard callback a button carries, or None for anything malformed."""
    found = unframed(data, PREFIX, _PATTERNS)
    if found is None:
        return None
    key, g = found
    match key:
        case "g":
            return Grade(int(g[0]), g[1] == "major")
        case "i":
            return ListItems(int(g[0]), int(g[1]))
        case "p":
            return PickItem(int(g[0]), int(g[1]))
        case "r":
            return ChooseResponsible(int(g[0]), int(g[1]))
        case "w":
            return StartPlan(int(g[0]), None if g[1] is None else int(g[1]))
        case "a":
            return Anonymous(g[0] == "1")
        case "e":
            return ReportEnterprise(int(g[0]))
        case "c" if g[3] is not None:
            return CheckEnterprise(int(g[3]))
        case "c" if g[4] is not None:
            return CheckStandard(int(g[4]), int(g[5]))
        case "c":
            return Answer(int(g[0]), int(g[1]), g[2])
        case key:
            return _ONE_ID[key](int(g[0]))
