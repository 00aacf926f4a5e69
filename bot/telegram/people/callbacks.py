"""Callback data of the people's-records buttons (prefix ``pp``), within Telegram's 64 bytes.

Data come from the client and may be forged; decoding only checks the shape. Whether the
person or certificate belongs to the presser's enterprise, and whether the presser may edit
it or see its number, is checked by the handler (``access``) and by ``bot.services.people``.
A press answers the step the person's draft waits for; any other press is stale.

    pp:e:<flow>:<enterprise>    the enterprise chosen (flow: c certificate, v records, t
                                training hours, r role)
    pp:p:<person>               whose certificate / role (a manager picks from the roster)
    pp:n                        someone without Telegram (their name is asked)
    pp:k:<index>                the certificate kind (index in people.yaml order)
    pp:c:<index>                the kind's 作业类别 (index in the kind's order)
    pp:s                        skip (the photo, the joined date)
    pp:y                        save what the summary shows
    pp:x                        cancel the entry
    pp:t:<person>               training: add or remove the person from those trained
    pp:d                        training: done picking people
    pp:g:<index>                training category (index in people.yaml order)
    pp:r:<index>                role (index in ``ROLES``)
    pp:v:<person>               a manager views the person's records
    pp:w:<certificate>          the certificate was reviewed (the date is asked)
    pp:f:<certificate>          send the certificate's photo
    pp:o:<person>               set the person's role (a manager)
    pp:l:<key>:<enterprise>:<page>
                                another page of the roster's buttons (key: the buttons'
                                own, p t o v)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.telegram.callbacks import framed, unframed

PREFIX = "pp:"
FLOWS = ("c", "v", "t", "r")


@dataclass(frozen=True)
class ChooseEnterprise:
    flow: str
    enterprise_id: int


@dataclass(frozen=True)
class Pick:
    """A one-value press: ``key`` names it (``p k c t g r v w f o``), ``value`` an id or index."""

    key: str
    value: int


@dataclass(frozen=True)
class Plain:
    """A press with no value: ``n`` someone new, ``s`` skip, ``y`` save, ``x`` cancel, ``d`` done."""

    key: str


@dataclass(frozen=True)
class Page:
    """Another page of a roster picker whose buttons carry ``key``."""

    key: str
    enterprise_id: int
    page: int


PeopleCallback = ChooseEnterprise | Pick | Plain | Page

_ID = r"([1-9][0-9]{0,17})"
_N = r"(0|[1-9][0-9]{0,3})"
PICKS = {"p": _ID, "t": _ID, "v": _ID, "w": _ID, "f": _ID, "o": _ID, "k": _N, "c": _N,
         "g": _N, "r": _N}  # fmt: skip
PLAIN = "nsyxd"
_PATTERNS = {
    "e": re.compile(rf"e:([{''.join(FLOWS)}]):{_ID}"),
    "l": re.compile(rf"l:([ptov]):{_ID}:{_N}"),
    **{k: re.compile(rf"{k}:{v}") for k, v in PICKS.items()},
    **{k: re.compile(k) for k in PLAIN},
}


def encode(callback: PeopleCallback) -> str:
    match callback:
        case ChooseEnterprise(flow, enterprise_id):
            return framed(PREFIX, f"e:{flow}:{enterprise_id}")
        case Pick(key, value):
            return framed(PREFIX, f"{key}:{value}")
        case Plain(key):
            return framed(PREFIX, key)
        case Page(key, enterprise_id, page):
            return framed(PREFIX, f"l:{key}:{enterprise_id}:{page}")


def decode(data: str | None) -> PeopleCallback | None:
    """The press a button carries, or None for anything malformed."""
    found = unframed(data, PREFIX, _PATTERNS)
    if found is None:
        return None
    key, groups = found
    if key == "e":
        return ChooseEnterprise(groups[0], int(groups[1]))
    if key == "l":
        return Page(groups[0], int(groups[1]), int(groups[2]))
    if key in PICKS:
        return Pick(key, int(groups[0]))
    return Plain(key)
