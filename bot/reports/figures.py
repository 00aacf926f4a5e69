"""What a statistics report holds: counts per enterprise and obligation, the 督办 list, the
ranking. Filled by ``bot.reports.queries``; read by /stats, the workbook, the chart and the digest."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from bot.reports.period import Period
from bot.reports.sources import Awareness


@dataclass
class Counts:
    """Occurrences by state now: done, due (window open, deadline ahead) and overdue."""

    done: int = 0
    due: int = 0
    overdue: int = 0
    quota_done: int = 0  # confirmations towards "at least N" quotas, capped at N each
    quota_total: int = 0

    def add(self, other: Counts) -> None:
        self.done += other.done
        self.due += other.due
        self.overdue += other.overdue
        self.quota_done += other.quota_done
        self.quota_total += other.quota_total

    @property
    def total(self) -> int:
        return self.done + self.due + self.overdue

    @property
    def completion(self) -> float | None:
        """Done out of what had to be done by now; items still within their deadline don't count."""
        counted = self.done + self.overdue
        return self.done / counted if counted else None

    @property
    def quota_rate(self) -> float | None:
        return self.quota_done / self.quota_total if self.quota_total else None


@dataclass
class EnterpriseLine:
    enterprise_id: int
    name: str
    sector: str
    counts: Counts = field(default_factory=Counts)
    awareness: Awareness | None = None
    drills: int | None = None
    township: str | None = None  # 乡镇/街道, for the workbook's sheets per township
    authority: str | None = None  # 行业主管部门


@dataclass(frozen=True)
class OverdueGroup:
    """Overdue occurrences of one obligation (and area) at one enterprise."""

    enterprise_id: int
    enterprise: str
    obligation_id: str
    area: str | None
    count: int
    first_due: dt.datetime
    days_overdue: int  # of the oldest
    officer: str | None  # the enterprise's designated safety officer, when known
    timezone: str

    @property
    def first_due_date(self) -> dt.date:
        """The oldest due day in the enterprise's own timezone."""
        return self.first_due.astimezone(ZoneInfo(self.timezone)).date()


@dataclass
class StatsReport:
    period: Period
    now: dt.datetime
    enterprises: list[EnterpriseLine]  # ranked: best completion first
    obligations: dict[str, Counts]
    overdue: list[OverdueGroup]  # the first ``overdue_limit`` groups
    overdue_groups: int  # all groups
    totals: Counts
    awareness: Awareness | None
    drills: int | None

    @property
    def worst(self) -> list[EnterpriseLine]:
        """Enterprises with something overdue, worst completion first."""
        laggards = [e for e in self.enterprises if e.counts.overdue]
        return sorted(laggards, key=lambda e: (e.counts.completion or 0.0, -e.counts.overdue))
