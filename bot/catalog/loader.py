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

from bot.catalog.models import (
    AreaFile,
    Document,
    DocumentFile,
    Kind,
    Obligation,
    ObligationFile,
    Schedule,
    Scope,
    Sector,
    SectorFile,
)
from bot.datafile import DataFileError, DataIssue, YamlDocument, read_yaml, validation_issues
from bot.i18n import LocalizedText

M = TypeVar("M", bound=BaseModel)

DEFAULT_SCHEDULES_DIR = Path(__file__).resolve().parents[2] / "schedules"
DEFAULT_MESSAGES_DIR = DEFAULT_SCHEDULES_DIR.parent / "messages"


@dataclass(frozen=True)
class Catalog:
    """Everything under ``schedules/``: sectors, documents and obligations, by id."""

    root: Path
    sectors: dict[str, Sector]
    documents: dict[str, Document]
    obligations: dict[str, Obligation]
    _aliases: dict[str, str] = field(default_factory=dict, repr=False)
    area_names: dict[str, LocalizedText] = field(default_factory=dict)

    def find_sector(self, name: str) -> Sector | None:
        """Resolve a sector id, its Chinese or English name, or an alias."""
        key = name.strip().lower()
        sector_id = self._aliases.get(key)
        return self.sectors.get(sector_id) if sector_id else None

    @property
    def regions(self) -> list[str]:
        """Every region a document names: the regional profiles an enterprise can pick."""
        return sorted({r for d in self.documents.values() for r in d.regions})

    def for_enterprise(self, sector: str, high_risk: bool, region: str = "all") -> list[Obligation]:
        """Enterprise obligations for this sector / risk level in a regional profile.

        ``region="all"`` takes everything; ``"hubei"`` takes what cites a Hubei or a national
        document.
        """
        return [
            o
            for o in self.obligations.values()
            if o.scope in (Scope.ENTERPRISE, Scope.ALL)
            and o.applies.matches(sector, high_risk)
            and o.in_region(region)
        ]

    def campaign_ids(self) -> set[str]:
        """Campaigns are announced, never confirmed: they never count as due or overdue."""
        return {o.id for o in self.obligations.values() if o.kind is Kind.CAMPAIGN}

    def for_office(self, region: str = "all") -> list[Obligation]:
        """Committee / office (安委办) obligations, campaigns included."""
        return [
            o
            for o in self.obligations.values()
            if o.scope in (Scope.OFFICE, Scope.ALL) and o.in_region(region)
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


@dataclass
class _Checker:
    """Cross-file checks of one obligation entry; ``check`` returns it with its regions set."""

    sectors: dict[str, Sector]
    documents: dict[str, Document]
    area_names: dict[str, LocalizedText]
    issues: list[DataIssue]

    def check(self, doc: YamlDocument, here: tuple[int | str, ...], ob: Obligation) -> Obligation:
        for k, area in enumerate(ob.areas):
            if area.value not in self.area_names:
                message = f"area {area.value!r} has no name in areas.yaml"
                self.issues.append(doc.issue((*here, "areas", k), message))
        for j, src in enumerate(ob.sources):
            if src.doc not in self.documents:
                self.issues.append(
                    doc.issue((*here, "sources", j, "doc"), f"unknown document {src.doc!r}")
                )
        applies_lists = [(("applies", "sectors"), ob.applies.sectors)] + [
            (("variants", k, "when", "sectors"), v.when.sectors) for k, v in enumerate(ob.variants)
        ]
        for loc, names in applies_lists:
            for name in names:
                if name not in self.sectors:
                    self.issues.append(doc.issue((*here, *loc), f"unknown sector {name!r}"))
        for k, variant in enumerate(ob.variants):
            merged = {**ob.schedule.model_dump(exclude_defaults=True), **variant.changes()}
            try:
                Schedule.model_validate(merged)
            except ValidationError as exc:
                self.issues.extend(validation_issues(doc, exc, (*here, "variants", k)))
        return self._with_regions(doc, here, ob)

    def _with_regions(
        self, doc: YamlDocument, here: tuple[int | str, ...], ob: Obligation
    ) -> Obligation:
        cited = {
            r for s in ob.sources if s.doc in self.documents for r in self.documents[s.doc].regions
        }
        for k, region in enumerate(ob.regions):
            if region not in cited:
                message = f"region {region!r} is not a region of its sources ({sorted(cited)})"
                self.issues.append(doc.issue((*here, "regions", k), message))
        if ob.regions:
            return ob
        return ob.model_copy(update={"regions": tuple(sorted(cited))})


def _cross_check(
    docs: list[tuple[YamlDocument, ObligationFile]], checker: _Checker
) -> dict[str, Obligation]:
    issues = checker.issues
    obligations: dict[str, Obligation] = {}
    first_seen: dict[str, str] = {}
    for doc, parsed in docs:
        for i, ob in enumerate(parsed.obligations):
            here = ("obligations", i)
            if ob.id in obligations:
                message = f"duplicate id {ob.id!r} (first at {first_seen[ob.id]})"
                issues.append(doc.issue((*here, "id"), message))
                continue
            obligations[ob.id] = checker.check(doc, here, ob)
            first_seen[ob.id] = f"{doc.path}:{doc.line_of((*here, 'id'))}"
    return obligations


def _check_templates(
    docs: list[tuple[YamlDocument, ObligationFile]], messages_dir: Path, issues: list[DataIssue]
) -> None:
    """Every reminder family in use needs ``templates/reminders/<family>.html.j2``."""
    first_use: dict[str, tuple[YamlDocument, tuple[int | str, ...], str]] = {}
    for doc, parsed in docs:
        for i, ob in enumerate(parsed.obligations):
            for family in sorted(ob.reminder_families()):
                first_use.setdefault(family, (doc, ("obligations", i, "reminders"), ob.id))
    for family, (doc, loc, ob_id) in sorted(first_use.items()):
        template = messages_dir / "templates" / "reminders" / f"{family}.html.j2"
        if not template.is_file():
            message = f"no template {template} for reminder kind {family!r} (first used by {ob_id})"
            issues.append(doc.issue(loc, message))


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
    parsed: list[tuple[YamlDocument, ObligationFile]] = []
    for path in sorted((root / "obligations").glob("*.yaml")):
        doc = read_document(path, issues)
        if doc and (of := _validate(doc, ObligationFile, issues)):
            parsed.append((doc, of))
    obligations = _cross_check(parsed, _Checker(sectors, documents, area_names, issues))
    if messages_dir is not None:
        _check_templates(parsed, messages_dir, issues)
    if not obligations and not issues:
        issues.append(DataIssue(str(root / "obligations"), 1, "", "no obligations found"))
    aliases = _aliases(sectors.values())
    return Catalog(root, sectors, documents, obligations, aliases, area_names)


def load_catalog(
    root: Path = DEFAULT_SCHEDULES_DIR, *, messages_dir: Path | None = None
) -> Catalog:
    """Load and validate the catalog under ``root``; raise DataFileError listing every issue.

    With ``messages_dir``, also require a template for every reminder kind in use.
    """
    issues: list[DataIssue] = []
    catalog = _load(root, messages_dir, issues)
    if issues:
        raise DataFileError(issues)
    return catalog


def check_catalog(
    root: Path = DEFAULT_SCHEDULES_DIR, messages_dir: Path | None = DEFAULT_MESSAGES_DIR
) -> list[DataIssue]:
    """Every issue in the catalog under ``root`` (empty when it is valid)."""
    issues: list[DataIssue] = []
    _load(root, messages_dir, issues)
    return issues
