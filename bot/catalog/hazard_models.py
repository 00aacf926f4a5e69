"""Validated models of the 重大事故隐患判定标准 in ``schedules/hazard_standards/``.

Each file is one published standard (a ministry order, a normative document or a national
standard) with the items that were checked against a published copy of its text. The items
are what an officer picks when grading a hazard 重大 and what ``/selfcheck`` asks about, so the
rules here protect that use: a clause number is written the way the standard numbers it, every
item says which source it was checked against, and a standard that carries only part of its
items says so. Checks that span entries or files (a clause used twice, sources and sectors that
exist, unique ids) are in :mod:`bot.catalog.hazard_standards`, so each error points at the
offending entry.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from pydantic import Field, ValidationInfo, field_validator

from bot.catalog.schedule import FrozenModel
from bot.i18n import LocalizedText

__all__ = ["HazardItem", "HazardSource", "HazardStandard", "ItemRef", "parse_ref"]

StandardId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{1,40}$")]
SourceId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,40}$")]
SectorId = Annotated[str, Field(pattern=r"^[a-z][a-z_]{1,40}$")]

# Chinese article numbers (第四条（一）, 一（一）1, 二十) and numbered standard clauses (6.1).
_CLAUSE = re.compile(r"^[第条一二三四五六七八九十百零〇（）0-9.]+$")  # i18n: clause numerals

# How a hazard record points at an item: ``<standard id>#<clause>`` (``gongmao-2023#第十三条（一）``).
ItemRef = str


def parse_ref(ref: str) -> tuple[str, str] | None:
    """Split an :data:`ItemRef` into standard id and clause; None if it has no ``#``."""
    standard, sep, clause = ref.partition("#")
    return (standard, clause) if sep and standard and clause else None


class HazardSource(FrozenModel):
    """A published copy the items were checked against (a page, an official file, a mirror)."""

    id: SourceId
    title: Annotated[str, Field(min_length=1)]
    url: str | None = None
    accessed: dt.date | None = None

    @field_validator("url")
    @classmethod
    def _http(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("url must start with http:// or https://")
        return value


class HazardItem(FrozenModel):
    """One situation the standard says must be judged a 重大事故隐患."""

    clause: str
    heading: LocalizedText | None = None  # the article's lead-in, when the item needs it
    text: LocalizedText
    question: LocalizedText | None = None  # the self-check question; none for catch-alls
    sectors: tuple[SectorId, ...] = ()  # narrows the standard's sectors; empty = all of them
    checked: Annotated[tuple[SourceId, ...], Field(min_length=1)]

    @field_validator("clause")
    @classmethod
    def _clause_form(cls, value: str) -> str:
        if not _CLAUSE.match(value):
            raise ValueError(
                f"clause {value!r} must be numbered as the standard numbers it,"
                " with full-width brackets and no spaces"
            )
        return value

    @field_validator("text")
    @classmethod
    def _chinese_text(cls, value: LocalizedText) -> LocalizedText:
        if not re.search(r"[\u4e00-\u9fff]", value.zh_CN):
            raise ValueError("zh_CN must be the Chinese text of the standard")
        if value.zh_CN.endswith(("；", "。", ";")):  # i18n: the published text's punctuation
            raise ValueError("leave out the item's closing semicolon or full stop")
        return value

    @field_validator("question")
    @classmethod
    def _is_question(cls, value: LocalizedText | None) -> LocalizedText | None:
        if value is not None and not value.zh_CN.endswith("？"):  # i18n: full-width mark
            raise ValueError("zh_CN question must end with a full-width question mark")
        if value is not None and not value.en.endswith("?"):
            raise ValueError("en question must end with ?")
        return value

    @field_validator("sectors", "checked")
    @classmethod
    def _no_repeats(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(value)) != len(value):
            raise ValueError("items must not repeat")
        return value

    def ref(self, standard_id: str) -> ItemRef:
        return f"{standard_id}#{self.clause}"


class HazardStandard(FrozenModel):
    """A 重大事故隐患判定标准 and the items of it that were verified."""

    id: StandardId
    title: LocalizedText
    document_number: Annotated[str, Field(min_length=1)]
    issuer: LocalizedText
    issued: dt.date | None = None
    effective: dt.date | None = None
    effective_note: str | None = Field(default=None, validate_default=True)  # why no date
    repealed: dt.date | None = None
    superseded_by: str | None = Field(default=None, validate_default=True)  # the successor
    sectors: tuple[SectorId, ...] = ()
    all_sectors: bool = Field(default=False, validate_default=True)  # fire: every enterprise
    published_items: Annotated[int, Field(ge=1)] | None = None  # how many the standard has
    partial: bool
    sources: Annotated[tuple[HazardSource, ...], Field(min_length=1)]
    notes: Annotated[str, Field(min_length=1)]
    items: Annotated[tuple[HazardItem, ...], Field(min_length=1)]

    @field_validator("sectors")
    @classmethod
    def _distinct_sectors(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(value)) != len(value):
            raise ValueError("sectors must not repeat")
        return value

    @field_validator("all_sectors")
    @classmethod
    def _sectors_or_all(cls, value: bool, info: ValidationInfo) -> bool:
        if value == bool(info.data.get("sectors")):
            raise ValueError("give either sectors or all_sectors: true (exactly one)")
        return value

    @field_validator("effective_note")
    @classmethod
    def _note_only_without_date(cls, value: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("effective") is not None and value:
            raise ValueError("effective_note explains a missing effective date; there is one")
        if "effective" in info.data and info.data["effective"] is None and not value:
            raise ValueError("give the effective date, or effective_note saying why it is unknown")
        return value

    @field_validator("superseded_by")
    @classmethod
    def _repeal_needs_successor(cls, value: str | None, info: ValidationInfo) -> str | None:
        repealed, effective = info.data.get("repealed"), info.data.get("effective")
        if repealed is not None and not value:
            raise ValueError("a repealed standard names its successor in superseded_by")
        if repealed is not None and effective is not None and repealed <= effective:
            raise ValueError(f"repealed {repealed} is not after effective {effective}")
        return value

    @field_validator("items")
    @classmethod
    def _items_fit(
        cls, value: tuple[HazardItem, ...], info: ValidationInfo
    ) -> tuple[HazardItem, ...]:
        total, partial = info.data.get("published_items"), info.data.get("partial")
        if total is not None and len(value) > total:
            raise ValueError(f"{len(value)} items but the standard has {total}")
        if total is not None and partial is False and len(value) != total:
            raise ValueError(f"not partial, yet {len(value)} of {total} items; set partial: true")
        return value

    def in_force(self, on: dt.date) -> bool:
        """In force on ``on``: past its effective date (if known) and not superseded by then.

        A standard superseded on an unknown date counts as no longer in force.
        """
        if self.effective is not None and on < self.effective:
            return False
        if self.superseded_by is None:
            return True
        return self.repealed is not None and on < self.repealed

    def applies_to(self, sector: str) -> bool:
        return self.all_sectors or sector in self.sectors

    def items_for(self, sector: str) -> list[HazardItem]:
        """The items an enterprise of ``sector`` may be checked against (none if not applicable)."""
        if not self.applies_to(sector):
            return []
        return [i for i in self.items if not i.sectors or sector in i.sectors]
