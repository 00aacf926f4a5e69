"""Where a hazard is in its life, and its grade (stored as these values)."""

from __future__ import annotations

from enum import StrEnum


class HazardStatus(StrEnum):
    REPORTED = "reported"  # waiting to be graded
    GRADED = "graded"  # graded; its 五落实 not yet given
    PLANNED = "planned"  # 五落实 given: being rectified
    RECTIFIED = "rectified"  # marked rectified, waiting for the officer's check
    CLOSED = "closed"  # verified and closed (销号)
    INVALID = "invalid"  # closed as not a hazard (a mistaken report), with a reason


class HazardGrade(StrEnum):
    GENERAL = "general"  # 一般事故隐患
    MAJOR = "major"  # 重大事故隐患
