"""Regional profiles: which documents bind an enterprise, from national law down to its area.

A local work list binds only the area that issued it: Ezhou's list binds Ezhou, not all of
Hubei, and Xinzhou development zone's dates bind nobody outside the zone. Regions form a tree
(``ezhou`` → ``hubei`` → ``national``); a profile takes every document whose region lies on its
path to the root, so national law is in every profile and a city also gets its province's list.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from pydantic import Field

from bot.catalog.schedule import FrozenModel
from bot.i18n import LocalizedText

NATIONAL = "national"
"""The region of national law: obligations citing it belong to every regional profile."""

RegionId = Annotated[str, Field(pattern=r"^[a-z][a-z_]{1,30}$")]


class Region(FrozenModel):
    """A profile an enterprise can pick: a province or an area whose own work lists we carry."""

    id: RegionId
    name: LocalizedText
    parent: RegionId | None = None  # None only for ``national``
    aliases: tuple[str, ...] = ()


class RegionFile(FrozenModel):
    regions: tuple[Region, ...]


def default_regions(ids: Iterable[str]) -> dict[str, Region]:
    """Regions named only by documents (no ``regions.yaml``): each directly under national."""
    found: dict[str, Region] = {}
    for rid in sorted({NATIONAL, *ids}):
        name = LocalizedText(zh_CN=rid, en=rid)
        found[rid] = Region(id=rid, name=name, parent=None if rid == NATIONAL else NATIONAL)
    return found


def lineage(regions: dict[str, Region], region: str) -> frozenset[str]:
    """``region`` and every region above it, national included (unknown ids: national only)."""
    path = {NATIONAL}
    current: str | None = region
    while current is not None and current in regions and current not in path:
        path.add(current)
        current = regions[current].parent
    return frozenset(path)


def region_aliases(regions: Iterable[Region]) -> dict[str, str]:
    """Lower-cased id, names and aliases → region id, for ``/region 湖北`` and ``--region``."""
    table: dict[str, str] = {}
    for r in regions:
        for name in (r.id, r.name.zh_CN, r.name.en, *r.aliases):
            table[name.strip().lower()] = r.id
    return table
