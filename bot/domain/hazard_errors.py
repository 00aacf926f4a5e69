"""Refusals of the hazard loop (``bot.domain.hazard``); each names its reply template."""

from __future__ import annotations

from bot.errors import DomainError


class HazardUsage(DomainError):
    """``/hazard`` without a description: how to report one."""

    template = "errors/hazard_usage"


class HazardWrongState(DomainError):
    """The hazard is not at the step this action belongs to (``status`` says where it is)."""

    template = "errors/hazard_wrong_state"


class NotOnRoster(DomainError):
    """The responsible person must be on the enterprise's roster (/join)."""

    template = "errors/not_on_roster"


class DeadlinePassed(DomainError):
    template = "errors/deadline_passed"


class BadDeadline(DomainError):
    template = "errors/bad_deadline"


class PlanRequired(DomainError):
    """A major hazard's 五落实 needs its contingency plan (预案)."""

    template = "errors/plan_required"


class PhotoRequired(DomainError):
    template = "errors/photo_required"


class SameVerifier(DomainError):
    """Whoever rectified a hazard cannot also verify it."""

    template = "errors/same_verifier"


class NotResponsible(DomainError):
    template = "errors/not_responsible"


class ReasonRequired(DomainError):
    template = "errors/reason_required"


class UnknownStandardItem(DomainError):
    template = "errors/unknown_standard_item"


class PhotoUnavailable(DomainError):
    """Telegram would not give a photo back (``getFile`` refused it): it is not kept."""

    template = "errors/photo_unavailable"
