"""Why a drill action is refused; each names the template (under messages/templates/drill/)
that explains it, with a ``_short`` variant for callback answers."""

from __future__ import annotations

from bot.errors import DomainError


class DrillRunning(DomainError):
    """A second drill while one runs: one drill at a time per enterprise."""

    template = "drill/err_running"


class NoDrill(DomainError):
    template = "drill/err_no_drill"


class DrillOver(DomainError):
    """A button of a drill that has ended."""

    template = "drill/err_over"


class NotOrganizer(DomainError):
    template = "drill/err_not_organizer"


class NotManager(DomainError):
    """Only chat admins and the safety officer run drills."""

    template = "drill/err_not_manager"


class DrillUsage(DomainError):
    """A ``/drill`` word that is no scenario, area, count or command."""

    template = "drill/err_usage"
