"""Checks that span files: each obligation against the sectors, documents, areas and regions
it names, unique ids across files, and a message template for every reminder kind in use."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from bot.catalog.entities import Document, Sector
from bot.catalog.models import Obligation, ObligationFile, Schedule
from bot.catalog.regions import Region
from bot.datafile import DataIssue, YamlDocument, validation_issues
from bot.i18n import LocalizedText


@dataclass
class Checker:
    """Cross-file checks of one obligation entry; ``check`` returns it with its regions set."""

    sectors: dict[str, Sector]
    documents: dict[str, Document]
    area_names: dict[str, LocalizedText]
    issues: list[DataIssue]
    region_defs: dict[str, Region] = field(default_factory=dict)

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
        if ob.per_shift and ob.schedule.period.value != "daily":
            self.issues.append(
                doc.issue((*here, "per_shift"), "only a daily duty can be per shift")
            )
        for k, variant in enumerate(ob.variants):
            for j, src in enumerate(variant.sources):
                if src not in ob.sources:
                    message = f"{src} is not among the entry's sources"
                    self.issues.append(doc.issue((*here, "variants", k, "sources", j), message))
            for region in variant.when.regions:
                if region not in self.region_defs:
                    message = f"unknown region {region!r}"
                    self.issues.append(
                        doc.issue((*here, "variants", k, "when", "regions"), message)
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


def cross_check(
    docs: list[tuple[YamlDocument, ObligationFile]], checker: Checker
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


def check_templates(
    docs: list[tuple[YamlDocument, ObligationFile]], messages_dir: Path, issues: list[DataIssue]
) -> None:
    """Every reminder, whatever its kind, is one item of ``templates/reminders/item.html.j2``."""
    template = messages_dir / "templates" / "reminders" / "item.html.j2"
    if template.is_file():
        return
    for doc, parsed in docs:
        for i, ob in enumerate(parsed.obligations):
            if ob.reminder_families():
                message = f"no template {template} for the reminders (first used by {ob.id})"
                issues.append(doc.issue(("obligations", i, "reminders"), message))
                return
