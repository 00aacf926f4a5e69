"""The words of the workbook and chart, looked up by key from one translated template.

Sheet names, column headers, states and roles are many short strings; keeping them in one
``reports/labels.txt.j2`` (``key = text`` lines) keeps them translatable without a template
per word, and out of the Python code. Obligation titles, sector and area names come from
the catalog in the same language, the 判定依据 of hazards (standard, document number, clause)
from the hazard standards.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.catalog import Catalog
from bot.catalog.hazard_standards import HazardStandards
from bot.render import Renderer
from bot.reports.period import Period, calendar_unit


@dataclass(frozen=True)
class Labels:
    words: Mapping[str, str]
    titles: Mapping[str, str] = field(default_factory=dict)
    sectors: Mapping[str, str] = field(default_factory=dict)
    areas: Mapping[str, str] = field(default_factory=dict)
    concerns: Mapping[str, str] = field(default_factory=dict)  # obligation id → role key
    bases: Mapping[str, str] = field(default_factory=dict)  # hazard standard item ref → 判定依据
    renderer: Renderer | None = None  # for the titles of sheets named by people's text
    locale: str = "en"

    def __getitem__(self, key: str) -> str:
        return self.words[key]

    def title(self, obligation_id: str) -> str:
        return self.titles.get(obligation_id, obligation_id)

    def sector(self, sector_id: str) -> str:
        return self.sectors.get(sector_id, sector_id)

    def area(self, area: str | None) -> str:
        return self.areas.get(area, area) if area else ""

    def responsible(self, obligation_id: str) -> str:
        role = self.concerns.get(obligation_id)
        return self.words.get(f"role_{role}", "") if role else ""

    def _text(self, template: str, fallback: str, **values: str | None) -> str:
        if self.renderer is None:
            return fallback
        return self.renderer.text(self.locale, template, **values)

    def sheet_title(self, sheet: str) -> str:
        """The title row of a sheet: the report's name and the sheet's."""
        return self._text("reports/sheet_title", sheet, sheet=sheet, grouping=None, name=None)

    def group_title(self, grouping: str, name: str) -> str:
        """The title row of a sheet per township, authority or sector."""
        return self._text("reports/sheet_title", name, sheet=None, grouping=grouping, name=name)

    def group_sheet(self, grouping: str, name: str) -> str:
        """The tab of a sheet per group (cut to Excel's 31 characters when added)."""
        return self._text("reports/group_sheet", name, grouping=grouping, name=name)


def parse_labels(text: str) -> dict[str, str]:
    words: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(" = ")
        if sep:
            words[key.strip()] = value.strip()
    return words


def _bases(renderer: Renderer, standards: HazardStandards | None, locale: str) -> dict[str, str]:
    """Every standard item's 判定依据 as the 隐患台账 shows it: title, document number, clause."""
    if standards is None:
        return {}
    return {
        item.ref(s.id): renderer.text(
            locale,
            "reports/hazard_basis",
            standard=s.title.get(locale),
            number=s.document_number,
            clause=item.clause,
        )
        for s in standards.standards.values()
        for item in s.items
    }


def load_labels(
    renderer: Renderer,
    catalog: Catalog,
    locale: str,
    period: Period,
    standards: HazardStandards | None = None,
) -> Labels:
    """Render ``reports/labels`` in ``locale`` and add the catalog's names in that language
    (and, given the hazard standards, the 判定依据 of their items)."""
    text = renderer.plain(
        locale, "reports/labels", start=period.start.isoformat(), end=period.end.isoformat()
    )
    words = parse_labels(text)
    words["period_text"] = period_text(renderer, locale, period)
    return Labels(
        words=words,
        titles={o.id: o.title.get(locale) for o in catalog.obligations.values()},
        sectors={s.id: s.name.get(locale) for s in catalog.sectors.values()},
        areas={str(a): name.get(locale) for a, name in catalog.area_names.items()},
        concerns={o.id: o.concerns.value for o in catalog.obligations.values()},
        bases=_bases(renderer, standards, locale),
        renderer=renderer,
        locale=locale,
    )


def period_text(renderer: Renderer, locale: str, period: Period) -> str:
    """``2026年第四季度（2026-10-01至2026-12-31）``; the dates alone for another range."""
    unit = calendar_unit(period)
    label = ""
    if unit is not None:
        kind, year, number = unit
        label = renderer.text(locale, "reports/period_label", kind=kind, year=year, number=number)
    return renderer.text(locale, "reports/period_range", label=label,
                         start=period.start.isoformat(), end=period.end.isoformat())  # fmt: skip
