"""Load ``schedules/`` into one validated, cross-checked :class:`Catalog`.

Checks that span files (unique ids, known documents and sectors, regions that match the
cited documents, variants that still make a possible schedule, a message template for every
reminder kind) run after each file is validated on its own; every issue of every file is
collected before raising, so one run of ``safetybot schedules check`` shows all of them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from bot.catalog.crosscheck import Checker, check_templates, cross_check
from bot.catalog.event_kinds import EventKind, EventKindFile, event_aliases
from bot.catalog.models import (
    AreaFile,
    Document,
    DocumentFile,
    Kind,
    Obligation,
    ObligationFile,
    Scope,
    Sector,
    SectorFile,
)
from bot.catalog.regions import NATIONAL, Region, RegionFile, default_regions, lineage
from bot.catalog.regions import region_aliases as _region_aliases
from bot.datafile import DataFileError, DataIssue, YamlDocument, read_yaml, validation_issues
from bot.i18n import LocalizedText
from bot.paths import messages_dir as default_messages_dir
from bot.paths import schedules_dir

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Catalog:
    """Everything under ``schedules/``: sectors, documents and obligations, by id."""

    root: Path
    sectors: dict[str, Sector]
    documents: dict[str, Document]
    obligations: dict[str, Obligation]
    _aliases: dict[str, str] = field(default_factory=dict, repr=False)
    area_names: dict[str, LocalizedText] = field(default_factory=dict)
    region_defs: dict[str, Region] = field(default_factory=dict)
    event_kinds: dict[str, EventKind] = field(default_factory=dict)

    def find_sector(self, name: str) -> Sector | None:
        """Resolve a sector id, its Chinese or English name, or an alias."""
        key = name.strip().lower()
        sector_id = self._aliases.get(key)
        return self.sectors.get(sector_id) if sector_id else None

    @property
    def regions(self) -> list[str]:
        """The regional profiles an enterprise can pick, national first, in file order."""
        return list(self.region_defs) or [NATIONAL]

    def find_region(self, name: str) -> Region | None:
        """Resolve a region id, its Chinese or English name, or an alias."""
        region_id = _region_aliases(self.region_defs.values()).get(name.strip().lower())
        return self.region_defs.get(region_id) if region_id else None

    def find_event(self, name: str) -> EventKind | None:
        """Resolve an event kind by id, name or alias (``入职``, ``hazard``)."""
        kind_id = event_aliases(self.event_kinds.values()).get(name.strip().lower())
        return self.event_kinds.get(kind_id) if kind_id else None

    def lineage(self, region: str) -> frozenset[str]:
        """The regions whose documents bind an enterprise of ``region`` (national included)."""
        return lineage(self.region_defs, region)

    def for_enterprise(
        self, sector: str, high_risk: bool, region: str = NATIONAL
    ) -> list[Obligation]:
        """Enterprise obligations for this sector / risk level in a regional profile.

        ``"national"`` takes what cites national law; ``"ezhou"`` adds what cites an Ezhou or
        a Hubei document.
        """
        path = self.lineage(region)
        return [
            o
            for o in self.obligations.values()
            if o.scope in (Scope.ENTERPRISE, Scope.ALL) and o.applies_to(sector, high_risk, path)
        ]

    def campaign_ids(self) -> set[str]:
        """Campaigns are announced, never confirmed: they never count as due or overdue."""
        return {o.id for o in self.obligations.values() if o.kind is Kind.CAMPAIGN}

    def for_office(self, region: str = NATIONAL) -> list[Obligation]:
        """Committee / office (安委办) obligations of a regional profile, campaigns included."""
        path = self.lineage(region)
        return [
            o
            for o in self.obligations.values()
            if o.scope in (Scope.OFFICE, Scope.ALL) and o.in_region(path)
        ]


def _validate(doc: YamlDocument, model: type[M], issues: list[DataIssue]) -> M | None:
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        issues.extend(validation_issues(doc, exc))
        return None


_DATE = re.compile(r"^(\d{4})-(\d\d?)-(\d\d?)")


def _scalars(
    node: yaml.Node, loc: tuple[int | str, ...]
) -> Iterator[tuple[tuple[int | str, ...], yaml.Node]]:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield from _scalars(value, (*loc, key.value))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            yield from _scalars(item, (*loc, i))
    else:
        yield loc, node


def _bad_date(path: Path, exc: ValueError) -> DataIssue:
    """Locate the date PyYAML could not build (it raises a bare ValueError for 2027-02-30)."""
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (yaml.YAMLError, ValueError):
        root = None
    for loc, node in _scalars(root, ()) if root is not None else ():
        match = _DATE.match(str(node.value))
        if node.tag.endswith(":timestamp") and match:
            try:
                dt.date(*(int(g) for g in match.groups()))
            except ValueError:
                field_name = ".".join(str(p) for p in loc)
                line = node.start_mark.line + 1
                return DataIssue(str(path), line, field_name, f"{node.value} is not a date")
    return DataIssue(str(path), 1, "", str(exc))


def read_document(path: Path, issues: list[DataIssue]) -> YamlDocument | None:
    """Parse one YAML file, adding any syntax problem to ``issues`` instead of raising."""
    try:
        return read_yaml(path)
    except DataFileError as exc:
        issues.extend(exc.issues)
    except ValueError as exc:
        issues.append(_bad_date(path, exc))
    except OSError as exc:
        issues.append(DataIssue(str(path), 1, "", f"cannot read: {exc.strerror}"))
    return None


def _aliases(sectors: Iterable[Sector]) -> dict[str, str]:
    table: dict[str, str] = {}
    for s in sectors:
        for name in (s.id, s.name.zh_CN, s.name.en, *s.aliases):
            table[name.strip().lower()] = s.id
    return table


def _load_regions(
    root: Path, documents: dict[str, Document], issues: list[DataIssue]
) -> dict[str, Region]:
    """``regions.yaml`` (optional: without it every document region hangs off national)."""
    named = {r for d in documents.values() for r in d.regions}
    if not (root / "regions.yaml").is_file():
        return default_regions(named)
    doc = read_document(root / "regions.yaml", issues)
    parsed = _validate(doc, RegionFile, issues) if doc else None
    if doc is None or parsed is None:
        return default_regions(named)
    regions = {r.id: r for r in parsed.regions}
    for i, region in enumerate(parsed.regions):
        if (region.parent is None) != (region.id == NATIONAL) or (
            region.parent is not None and region.parent not in regions
        ):
            message = f"parent {region.parent!r}: every region but national has a known parent"
            issues.append(doc.issue(("regions", i, "parent"), message))
    for missing in sorted(named - set(regions)):
        issues.append(doc.issue(("regions",), f"documents name region {missing!r}; add it here"))
    return regions


def _load(root: Path, messages_dir: Path | None, issues: list[DataIssue]) -> Catalog:
    sectors: dict[str, Sector] = {}
    documents: dict[str, Document] = {}
    sector_doc = read_document(root / "sectors.yaml", issues)
    if sector_doc and (sf := _validate(sector_doc, SectorFile, issues)):
        sectors = {s.id: s for s in sf.sectors}
    documents_doc = read_document(root / "documents.yaml", issues)
    if documents_doc and (df := _validate(documents_doc, DocumentFile, issues)):
        documents = {d.id: d for d in df.documents}
    area_names: dict[str, LocalizedText] = {}
    area_doc = (
        read_document(root / "areas.yaml", issues) if (root / "areas.yaml").is_file() else None
    )
    if area_doc and (af := _validate(area_doc, AreaFile, issues)):
        area_names = {a.id.value: a.name for a in af.areas}
    region_defs = _load_regions(root, documents, issues)
    parsed: list[tuple[YamlDocument, ObligationFile]] = []
    for path in sorted((root / "obligations").glob("*.yaml")):
        doc = read_document(path, issues)
        if doc and (of := _validate(doc, ObligationFile, issues)):
            parsed.append((doc, of))
    checker = Checker(sectors, documents, area_names, issues, region_defs)
    obligations = cross_check(parsed, checker)
    if messages_dir is not None:
        check_templates(parsed, messages_dir, issues)
    if not obligations and not issues:
        issues.append(DataIssue(str(root / "obligations"), 1, "", "no obligations found"))
    aliases = _aliases(sectors.values())
    kinds: dict[str, EventKind] = {}
    events_doc = (
        read_document(root / "events.yaml", issues) if (root / "events.yaml").is_file() else None
    )
    if events_doc and (ef := _validate(events_doc, EventKindFile, issues)):
        kinds = {k.id: k for k in ef.events}
    return Catalog(root, sectors, documents, obligations, aliases, area_names, region_defs, kinds)


def load_catalog(root: Path | None = None, *, messages_dir: Path | None = None) -> Catalog:
    """Load and validate the catalog under ``root`` (default: the installed ``schedules/``);
    raise DataFileError listing every issue.

    With ``messages_dir``, also require a template for every reminder kind in use.
    """
    issues: list[DataIssue] = []
    catalog = _load(root or schedules_dir(), messages_dir, issues)
    if issues:
        raise DataFileError(issues)
    return catalog


def check_catalog(root: Path | None = None, messages_dir: Path | None = None) -> list[DataIssue]:
    """Every issue in the catalog under ``root`` (empty when it is valid), templates included.

    Both default to the installed data (``bot.paths``).
    """
    issues: list[DataIssue] = []
    _load(root or schedules_dir(), messages_dir or default_messages_dir(), issues)
    return issues
