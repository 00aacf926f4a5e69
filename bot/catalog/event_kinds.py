"""What a user can log with ``/event``: named events, each starting the duties of its triggers.

Kept as data (``schedules/events.yaml``) so the names and aliases a user types (入职, 三违,
事故 …) live beside the obligations they start, in both languages, and never in code.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from pydantic import Field

from bot.catalog.schedule import FrozenModel, Trigger
from bot.i18n import LocalizedText


class EventKind(FrozenModel):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z_]{1,19}$")]
    name: LocalizedText
    aliases: tuple[str, ...] = ()
    triggers: Annotated[tuple[Trigger, ...], Field(min_length=1)]
    needs_deadline: bool = False  # the notice or plan sets a deadline: /event hazard 2027-05-31


class EventKindFile(FrozenModel):
    events: tuple[EventKind, ...]


def event_aliases(kinds: Iterable[EventKind]) -> dict[str, str]:
    """Lower-cased id, names and aliases → event kind id."""
    table: dict[str, str] = {}
    for kind in kinds:
        for name in (kind.id, kind.name.zh_CN, kind.name.en, *kind.aliases):
            table[name.strip().lower()] = kind.id
    return table
