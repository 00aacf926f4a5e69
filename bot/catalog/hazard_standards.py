"""Load ``schedules/hazard_standards/*.yaml`` into one validated :class:`HazardStandards`.

Each file is validated on its own (:mod:`bot.catalog.hazard_models`), then against the others
and against ``sectors.yaml``: the file is named after its id, ids are unique, every sector is
one an enterprise can register under, an item only narrows its standard's sectors, a clause is
used once, and every item cites a source its file lists. Like the obligation catalog, every issue of every file is
collected (file, line, field) before raising, so one check shows all of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from bot.catalog.hazard_models import HazardItem, HazardStandard, ItemRef, parse_ref
from bot.catalog.loader import read_document
from bot.catalog.models import SectorFile
from bot.datafile import DataFileError, DataIssue, YamlDocument, validation_issues
from bot.paths import schedules_dir

__all__ = [
    "STANDARDS_DIR",
    "HazardStandards",
    "check_hazard_standards",
    "load_hazard_standards",
]

STANDARDS_DIR = "hazard_standards"
"""The folder under ``schedules/`` holding one YAML file per standard."""


@dataclass(frozen=True)
class HazardStandards:
    """Every standard under ``schedules/hazard_standards/``, by id."""

    standards: dict[str, HazardStandard]

    def for_sector(self, sector: str, *, on: dt.date) -> list[HazardStandard]:
        """Standards in force on ``on`` that apply to enterprises of ``sector``, by id."""
        return [
            s for _, s in sorted(self.standards.items()) if s.in_force(on) and s.items_for(sector)
        ]

    def items_for_sector(
        self, sector: str, *, on: dt.date
    ) -> list[tuple[HazardStandard, HazardItem]]:
        """Every item an officer of a ``sector`` enterprise may pick, standard by standard."""
        return [(s, i) for s in self.for_sector(sector, on=on) for i in s.items_for(sector)]

    def find_item(self, ref: ItemRef) -> tuple[HazardStandard, HazardItem] | None:
        """The standard and item a stored reference (``gongmao-2023#第三条（一）``) names.

        Superseded standards are still found: a hazard graded under one keeps its basis.
        """
        parts = parse_ref(ref)
        standard = self.standards.get(parts[0]) if parts else None
        if standard is None or parts is None:
            return None
        item = next((i for i in standard.items if i.clause == parts[1]), None)
        return (standard, item) if item else None

    @property
    def item_count(self) -> int:
        return sum(len(s.items) for s in self.standards.values())


def _read_sectors(root: Path, issues: list[DataIssue]) -> set[str] | None:
    """Known sector ids, or None when sectors.yaml itself is broken (reported elsewhere)."""
    doc = read_document(root / "sectors.yaml", issues)
    if doc is None:
        return None
    try:
        return {s.id for s in SectorFile.model_validate(doc.data).sectors}
    except ValidationError as exc:
        issues.extend(validation_issues(doc, exc))
        return None


def _check_sectors(
    doc: YamlDocument, st: HazardStandard, known: set[str] | None, issues: list[DataIssue]
) -> None:
    if known is not None:
        for k, sector in enumerate(st.sectors):
            if sector not in known:
                message = f"unknown sector {sector!r} (not in sectors.yaml)"
                issues.append(doc.issue(("sectors", k), message))
    for i, item in enumerate(st.items):
        for k, sector in enumerate(item.sectors):
            here = ("items", i, "sectors", k)
            if known is not None and sector not in known:
                issues.append(doc.issue(here, f"unknown sector {sector!r} (not in sectors.yaml)"))
            elif not st.all_sectors and sector not in st.sectors:
                message = f"sector {sector!r} is not one of the standard's sectors"
                issues.append(doc.issue(here, message))


def _check_items(doc: YamlDocument, st: HazardStandard, issues: list[DataIssue]) -> None:
    """Sources are listed once, clauses used once, and every item cites a listed source."""
    ids: set[str] = set()
    for k, source in enumerate(st.sources):
        if source.id in ids:
            issues.append(doc.issue(("sources", k, "id"), f"duplicate source id {source.id!r}"))
        ids.add(source.id)
    clauses: dict[str, int] = {}
    for i, item in enumerate(st.items):
        if item.clause in clauses:
            first = doc.line_of(("items", clauses[item.clause], "clause"))
            message = f"clause {item.clause!r} appears twice (first at line {first})"
            issues.append(doc.issue(("items", i, "clause"), message))
        clauses.setdefault(item.clause, i)
        for k, cited in enumerate(item.checked):
            if cited not in ids:
                message = f"unknown source {cited!r} (not in this file's sources)"
                issues.append(doc.issue(("items", i, "checked", k), message))


def _load_file(
    path: Path, known: set[str] | None, issues: list[DataIssue]
) -> tuple[YamlDocument, HazardStandard] | None:
    doc = read_document(path, issues)
    if doc is None:
        return None
    try:
        standard = HazardStandard.model_validate(doc.data)
    except ValidationError as exc:
        issues.extend(validation_issues(doc, exc))
        return None
    if standard.id != path.stem:
        message = f"id {standard.id!r} must match the file name {path.stem!r}"
        issues.append(doc.issue(("id",), message))
    _check_sectors(doc, standard, known, issues)
    _check_items(doc, standard, issues)
    return doc, standard


def _load(root: Path, issues: list[DataIssue]) -> HazardStandards:
    known = _read_sectors(root, issues)
    folder = root / STANDARDS_DIR
    standards: dict[str, HazardStandard] = {}
    first_seen: dict[str, str] = {}
    for path in sorted(folder.glob("*.yaml")):
        loaded = _load_file(path, known, issues)
        if loaded is None:
            continue
        doc, standard = loaded
        if standard.id in standards:
            message = f"duplicate id {standard.id!r} (first at {first_seen[standard.id]})"
            issues.append(doc.issue(("id",), message))
            continue
        standards[standard.id] = standard
        first_seen[standard.id] = f"{doc.path}:{doc.line_of(('id',))}"
    if not standards and not issues:
        issues.append(DataIssue(str(folder), 1, "", "no hazard standards found"))
    return HazardStandards(standards)


def load_hazard_standards(root: Path | None = None) -> HazardStandards:
    """Load and validate the standards under ``root`` (a ``schedules/`` folder; default: the
    installed one); raise DataFileError listing every issue."""
    issues: list[DataIssue] = []
    loaded = _load(root or schedules_dir(), issues)
    if issues:
        raise DataFileError(issues)
    return loaded


def check_hazard_standards(root: Path | None = None) -> list[DataIssue]:
    """Every issue in the standards under ``root`` (empty when they are valid)."""
    issues: list[DataIssue] = []
    _load(root or schedules_dir(), issues)
    return issues
