"""The catalog's reference data: documents cited, sectors, areas, and how a source is cited."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field

from bot.catalog.regions import RegionId
from bot.catalog.schedule import FrozenModel
from bot.i18n import LocalizedText

_Model = FrozenModel


class Area(StrEnum):
    OFFICE = "office"
    PRODUCTION = "production"
    LIVING = "living"


class SourceRef(_Model):
    """Where an obligation comes from: a document of ``documents.yaml`` and its item."""

    doc: str
    item: str | None = None  # None: the document as a whole (an article we could not verify)

    def __str__(self) -> str:
        return f"{self.doc}#{self.item}" if self.item else self.doc


class Document(_Model):
    id: str
    title: LocalizedText
    regions: Annotated[tuple[RegionId, ...], Field(min_length=1)]
    year: int | None = None


class DocumentFile(_Model):
    documents: tuple[Document, ...]


class Sector(_Model):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z_]{1,40}$")]
    name: LocalizedText
    aliases: tuple[str, ...] = ()
    high_risk: bool
    sources: tuple[SourceRef, ...] = ()  # what puts the sector in the stricter group


class SectorFile(_Model):
    sectors: tuple[Sector, ...]


class AreaName(_Model):
    id: Area
    name: LocalizedText


class AreaFile(_Model):
    areas: tuple[AreaName, ...]
