"""Load ``schedules/people.yaml`` into one validated :class:`PeopleRules`.

The file is validated as a whole (:mod:`bot.catalog.people_models`), then across entries: ids
are unique per list, every citation names a listed source, every sector of a training rule is
one an enterprise can register under, and the categories the bot counts by itself exist.
Every issue is collected (file, line, field) before raising, so one check shows all of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from bot.catalog.hazard_standards import _read_sectors
from bot.catalog.loader import read_document
from bot.catalog.people_models import (
    CertificateKind,
    Citation,
    PeopleFile,
    TrainingCategory,
    TrainingRule,
)
from bot.datafile import DataFileError, DataIssue, YamlDocument, validation_issues
from bot.paths import schedules_dir

__all__ = ["PEOPLE_FILE", "PeopleRules", "check_people_rules", "load_people_rules"]

PEOPLE_FILE = "people.yaml"
AUTO_CATEGORIES = ("drill", "annual")  # a drill's hours; a passed spot check's (annual retraining)


@dataclass(frozen=True)
class PeopleRules:
    """The certificate kinds, training rules and categories of ``schedules/people.yaml``."""

    data: PeopleFile

    @property
    def kinds(self) -> list[CertificateKind]:
        return list(self.data.certificate_kinds)

    def kind(self, kind_id: str) -> CertificateKind | None:
        return next((k for k in self.data.certificate_kinds if k.id == kind_id), None)

    @property
    def categories(self) -> list[TrainingCategory]:
        return list(self.data.training_categories)

    def category(self, category_id: str) -> TrainingCategory | None:
        return next((c for c in self.data.training_categories if c.id == category_id), None)

    def rule_for(self, role: str, sector: str) -> TrainingRule | None:
        """The training rule for a person of ``role`` at an enterprise of ``sector``: one that
        names the sector before one for any sector; None when no rule covers them."""
        fitting = [r for r in self.data.training_rules if r.applies(role, sector)]
        fitting.sort(key=lambda r: r.sectors == "any")
        return fitting[0] if fitting else None

    def source_title(self, source_id: str) -> str:
        return next((s.title for s in self.data.sources if s.id == source_id), source_id)

    @property
    def default_lead_days(self) -> int:
        return self.data.default_lead_days


def _check_unique(
    doc: YamlDocument, key: tuple[str | int, ...], ids: Sequence[str], issues: list[DataIssue]
) -> None:
    first: dict[str, int] = {}
    for i, item_id in enumerate(ids):
        if item_id in first:
            line = doc.line_of((*key, first[item_id], "id"))
            message = f"duplicate id {item_id!r} (first at line {line})"
            issues.append(doc.issue((*key, i, "id"), message))
        first.setdefault(item_id, i)


def _check_cites(
    doc: YamlDocument,
    where: tuple[str, int],
    cites: Sequence[Citation],
    sources: set[str],
    issues: list[DataIssue],
) -> None:
    for k, cite in enumerate(cites):
        if cite.source not in sources:
            message = f"unknown source {cite.source!r} (not in this file's sources)"
            issues.append(doc.issue((*where, "cites", k, "source"), message))


def _check(
    doc: YamlDocument, data: PeopleFile, known: set[str] | None, issues: list[DataIssue]
) -> None:
    _check_unique(doc, ("sources",), [s.id for s in data.sources], issues)
    _check_unique(doc, ("certificate_kinds",), [k.id for k in data.certificate_kinds], issues)
    _check_unique(doc, ("training_rules",), [r.id for r in data.training_rules], issues)
    _check_unique(doc, ("training_categories",), [c.id for c in data.training_categories], issues)
    sources = {s.id for s in data.sources}
    for i, kind in enumerate(data.certificate_kinds):
        _check_cites(doc, ("certificate_kinds", i), kind.cites, sources, issues)
        ids = [c.id for c in kind.categories]
        _check_unique(doc, ("certificate_kinds", i, "categories"), ids, issues)
    for i, rule in enumerate(data.training_rules):
        _check_cites(doc, ("training_rules", i), rule.cites, sources, issues)
        if known is not None and rule.sectors != "any":
            for k, sector in enumerate(rule.sectors):
                if sector not in known:
                    message = f"unknown sector {sector!r} (not in sectors.yaml)"
                    issues.append(doc.issue(("training_rules", i, "sectors", k), message))
    categories = {c.id for c in data.training_categories}
    for needed in AUTO_CATEGORIES:
        if needed not in categories:
            message = f"category {needed!r} is needed for the hours the bot counts itself"
            issues.append(doc.issue(("training_categories",), message))


def _load(root: Path, issues: list[DataIssue]) -> PeopleRules | None:
    known = _read_sectors(root, issues)
    doc = read_document(root / PEOPLE_FILE, issues)
    if doc is None:
        return None
    try:
        data = PeopleFile.model_validate(doc.data)
    except ValidationError as exc:
        issues.extend(validation_issues(doc, exc))
        return None
    _check(doc, data, known, issues)
    return PeopleRules(data)


def load_people_rules(root: Path | None = None) -> PeopleRules:
    """Load and validate ``people.yaml`` under ``root`` (a ``schedules/`` folder; default: the
    installed one); raise DataFileError listing every issue."""
    issues: list[DataIssue] = []
    rules = _load(root or schedules_dir(), issues)
    if issues or rules is None:
        raise DataFileError(issues)
    return rules


def check_people_rules(root: Path | None = None) -> list[DataIssue]:
    """Every issue in ``people.yaml`` under ``root`` (empty when it is valid)."""
    issues: list[DataIssue] = []
    _load(root or schedules_dir(), issues)
    return issues
