"""Domain exceptions. Handlers turn each into a templated reply; ``template`` names it."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A user-facing refusal or validation failure; ``template`` is under messages/templates/errors/."""

    template = "errors/generic"

    def __init__(self, **context: Any) -> None:
        super().__init__(self.__class__.__name__, context)
        self.context = context


class NotAdmin(DomainError):
    template = "errors/not_admin"


class UnknownSector(DomainError):
    template = "errors/unknown_sector"


class UnknownRegion(DomainError):
    template = "errors/unknown_region"


class InvalidName(DomainError):
    template = "errors/invalid_name"


class NotRegistered(DomainError):
    template = "errors/not_registered"


class GroupOnly(DomainError):
    template = "errors/group_only"


class StaleButton(DomainError):
    """A button press that refers to something that is not (or no longer) this chat's."""

    template = "errors/stale_button"


class NotYetOpen(DomainError):
    template = "errors/not_yet_open"


class NothingToUndo(DomainError):
    template = "errors/nothing_to_undo"


class UndoTooLate(DomainError):
    template = "errors/undo_too_late"


class NotManager(DomainError):
    """Only admins and the safety officer may do this."""

    template = "errors/not_manager"


class OfficerUnknown(DomainError):
    template = "errors/officer_unknown"


class ChatGone(Exception):
    """The chat can no longer be written to (bot removed or blocked, chat not found)."""


class ChatMuted(ChatGone):
    """The group restricted the bot: still a member, but it may not post there for now.

    A ``ChatGone`` for callers that only skip an unreachable chat; the outbox holds the
    enterprise's reminders instead and posts them once the bot may write again.
    """


class SendRejected(Exception):
    """Telegram refused the message for a reason a retry may not fix (400 ``TOPIC_CLOSED``…).

    ``reason`` is a short fixed label (for metrics), ``detail`` Telegram's own words.
    """

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(reason, detail)
        self.reason = reason
        self.detail = detail


class SendUnavailable(Exception):
    """Telegram could not be reached or failed on its side (timeouts, 5xx): try again later."""


class ChatMoved(Exception):
    """A group became a supergroup; messages must go to ``new_chat_id``."""

    def __init__(self, new_chat_id: int) -> None:
        super().__init__(new_chat_id)
        self.new_chat_id = new_chat_id


class RetryLater(Exception):
    """Telegram asked us to slow down."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds
