"""A person's training hours in a year against what the rules require of them.

The rule (``schedules/people.yaml``) says how many hours someone of a role needs: before
starting work when they are new this year (``new_hours``, met by 岗前 hours only) and every
year (``annual_hours``, met by the hours of every other category). A shortfall is what is
still missing of each; a person no rule covers has none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from bot.catalog.people_models import TrainingRule

__all__ = ["PRE_JOB", "Hours", "hours_of", "is_new", "round_hours"]

PRE_JOB = "pre_job"


def round_hours(hours: float) -> float:
    """Hours to the half hour, as ledgers keep them."""
    return round(hours * 2) / 2


def is_new(joined_on: dt.date | None, year: int) -> bool:
    """Joined the enterprise (or took the role) in ``year``."""
    return joined_on is not None and joined_on.year == year


@dataclass(frozen=True)
class Hours:
    """One person's year: hours by category, and what is required and missing."""

    by_category: Mapping[str, float]
    new_required: float
    annual_required: float

    @property
    def total(self) -> float:
        return sum(self.by_category.values())

    @property
    def pre_job(self) -> float:
        return self.by_category.get(PRE_JOB, 0.0)

    @property
    def annual(self) -> float:
        return sum(h for c, h in self.by_category.items() if c != PRE_JOB)

    @property
    def new_missing(self) -> float:
        return max(0.0, self.new_required - self.pre_job)

    @property
    def annual_missing(self) -> float:
        return max(0.0, self.annual_required - self.annual)

    @property
    def missing(self) -> float:
        return self.new_missing + self.annual_missing

    @property
    def short(self) -> bool:
        return self.missing > 0


def hours_of(by_category: Mapping[str, float], rule: TrainingRule | None, *, new: bool) -> Hours:
    """The year's ``by_category`` hours of a person under ``rule`` (new this year or not)."""
    if rule is None:
        return Hours(dict(by_category), 0.0, 0.0)
    return Hours(dict(by_category), rule.new_hours if new else 0.0, rule.annual_hours)
