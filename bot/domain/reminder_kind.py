"""What a reminder is: its family (the template), its rank (send order) and its day count.

Stored as a short string in ``reminder.kind`` (``lead-7``, ``due``, ``overdue-2``, ``escalate``,
``campaign-lead-7``, ``campaign-start``, ``snooze-1``); this type is the one place that reads and writes
those strings, for materialization, the claim order in SQL, the dispatcher and the presenter.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Family(StrEnum):
    LEAD = "lead"  # days before the due date
    DUE = "due"  # on the due date
    OVERDUE = "overdue"  # after it, repeated
    ESCALATE = "escalate"  # overdue long enough to tell the officer (and the office)
    CAMPAIGN = "campaign"  # a campaign's announcement, never overdue
    SNOOZE = "snooze"  # someone pressed ⏰: the n-th snooze of this occurrence


# Send order within one message and one claim: due and overdue before what is days away.
_RANK = {Family.LEAD: 0, Family.DUE: 1, Family.OVERDUE: 2, Family.ESCALATE: 3}
_LAST = 9  # campaigns and snoozes: after the duties' own reminders
LEAD_SQL_PATTERN = f"{Family.LEAD.value}-%"  # the stored kinds of the LEAD family, for LIKE
SNOOZE_SQL_PATTERN = f"{Family.SNOOZE.value}-%"


@dataclass(frozen=True)
class ReminderKind:
    family: Family
    days: int = 0  # lead days (LEAD, a campaign's lead); the count for OVERDUE and SNOOZE

    @classmethod
    def parse(cls, kind: str) -> ReminderKind:
        """``lead-7`` → (LEAD, 7); an unknown word is a ValueError (the database is ours)."""
        head, _, rest = kind.partition("-")
        family = Family(head)
        if family is Family.CAMPAIGN:
            days = rest.removeprefix("lead-")
            return cls(family, int(days) if days.isdigit() else 0)
        return cls(family, int(rest) if rest else 0)

    @classmethod
    def lead(cls, days: int) -> ReminderKind:
        """The reminder ``days`` before the due date; 0 is the due-day reminder itself."""
        return cls(Family.LEAD, days) if days else cls(Family.DUE)

    @property
    def rank(self) -> int:
        return _RANK.get(self.family, _LAST)

    def __str__(self) -> str:
        if self.family is Family.CAMPAIGN:
            return f"campaign-lead-{self.days}" if self.days else "campaign-start"
        if self.family in (Family.LEAD, Family.OVERDUE, Family.SNOOZE):
            return f"{self.family.value}-{self.days}"
        return self.family.value


def family_of(kind: str) -> Family:
    return ReminderKind.parse(kind).family
