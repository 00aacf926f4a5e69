"""Callback data codec: short, versionless, validated strings within Telegram's 64 bytes.

Callback data come from the client and may be forged; decoding only checks the shape. What
the ids refer to is checked by the service against the chat the press came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_BYTES = 64


@dataclass(frozen=True)
class Confirm:
    occurrence_id: int


@dataclass(frozen=True)
class ChooseSector:
    sector_id: str


Callback = Confirm | ChooseSector

_PATTERNS: list[tuple[re.Pattern[str], type[Callback]]] = [
    (re.compile(r"cf:(\d{1,18})"), Confirm),
    (re.compile(r"st:([a-z][a-z_]{1,40})"), ChooseSector),
]


def encode(callback: Callback) -> str:
    if isinstance(callback, Confirm):
        data = f"cf:{callback.occurrence_id}"
    else:
        data = f"st:{callback.sector_id}"
    if len(data.encode()) > MAX_BYTES:
        raise ValueError("callback data over 64 bytes")
    return data


def decode(data: str | None) -> Callback | None:
    """The callback a button carries, or None for anything malformed."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    for pattern, kind in _PATTERNS:
        match = pattern.fullmatch(data)
        if match:
            value = match.group(1)
            return Confirm(int(value)) if kind is Confirm else ChooseSector(value)
    return None
