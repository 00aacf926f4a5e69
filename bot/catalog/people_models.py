"""Validated models of ``schedules/people.yaml``: certificate kinds, training rules, categories.

A certificate kind says how long a certificate is valid, when it is reviewed and renewed, what
its number looks like and which 作业类别 a holder picks; a training rule how many hours a role
needs in a year. Every kind and rule cites its source (``cites``, each naming a source the file
lists); checks that span entries (unique ids, known sources and sectors) are in
:mod:`bot.catalog.people`, so each error points at the offending entry.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from bot.catalog.schedule import FrozenModel
from bot.i18n import LocalizedText

__all__ = [
    "ROLES",
    "AutoCredit",
    "CertificateKind",
    "Citation",
    "KindCategory",
    "NumberShape",
    "PeopleFile",
    "PeopleSource",
    "TrainingCategory",
    "TrainingRule",
]

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,40}$")]
Role = Literal["principal", "manager", "special", "worker"]
# A person's role: 主要负责人, 安全生产管理人员, 特种作业人员, other 从业人员.
ROLES: tuple[str, ...] = ("principal", "manager", "special", "worker")


class PeopleSource(FrozenModel):
    id: Id
    title: Annotated[str, Field(min_length=1)]


class Citation(FrozenModel):
    """Where a rule comes from and what that text says."""

    source: Id
    clause: Annotated[str, Field(min_length=1, max_length=40)]
    says: Annotated[str, Field(min_length=1)]


class NumberShape(FrozenModel):
    pattern: str
    hint: LocalizedText

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a regular expression: {exc}") from exc
        return value

    def matches(self, number: str) -> bool:
        return re.fullmatch(self.pattern, number) is not None


class KindCategory(FrozenModel):
    id: Id
    name: LocalizedText


class CertificateKind(FrozenModel):
    id: Id
    name: LocalizedText
    roles: Annotated[list[Role], Field(min_length=1)]
    valid_years: Annotated[int, Field(ge=1, le=30)] | None = None
    review_every_years: Annotated[int, Field(ge=1, le=30)] | None = None
    review_window_days: Annotated[int, Field(ge=1, le=365)] | None = None
    renew_window_days: Annotated[int, Field(ge=1, le=365)] | None = None
    number: NumberShape
    categories: tuple[KindCategory, ...] = ()
    cites: Annotated[list[Citation], Field(min_length=1)]

    @model_validator(mode="after")
    def _review_within_validity(self) -> CertificateKind:
        if self.review_window_days is not None and self.review_every_years is None:
            raise ValueError("review_window_days needs review_every_years")
        every, valid = self.review_every_years, self.valid_years
        if every is not None and valid is not None and every >= valid:
            raise ValueError("review_every_years must be shorter than valid_years")
        return self

    def category(self, category_id: str) -> KindCategory | None:
        return next((c for c in self.categories if c.id == category_id), None)


class TrainingRule(FrozenModel):
    id: Id
    roles: Annotated[list[Role], Field(min_length=1)]
    sectors: Literal["any"] | Annotated[list[Id], Field(min_length=1)]
    new_hours: Annotated[float, Field(ge=0, le=500)] = 0
    annual_hours: Annotated[float, Field(ge=0, le=500)] = 0
    cites: Annotated[list[Citation], Field(min_length=1)]

    def applies(self, role: str, sector: str) -> bool:
        return role in self.roles and (self.sectors == "any" or sector in self.sectors)


class TrainingCategory(FrozenModel):
    id: Id
    name: LocalizedText


class AutoCredit(FrozenModel):
    drill: Literal["measured"] | None = None
    spot_check: Annotated[float, Field(gt=0, le=8)] | None = None


class PeopleFile(FrozenModel):
    sources: Annotated[list[PeopleSource], Field(min_length=1)]
    default_lead_days: Annotated[int, Field(ge=1, le=365)]
    certificate_kinds: Annotated[list[CertificateKind], Field(min_length=1)]
    training_rules: list[TrainingRule]
    training_categories: Annotated[list[TrainingCategory], Field(min_length=1)]
    auto_credit: AutoCredit = AutoCredit()
