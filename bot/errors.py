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


# --- Drills (templates under drill/, each with a ``_short`` variant for buttons) ---------------------


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


class DrillNotManager(DomainError):
    """Only chat admins and the safety officer run drills."""

    template = "drill/err_not_manager"


class DrillUsage(DomainError):
    """A ``/drill`` word that is no scenario, area, count or command."""

    template = "drill/err_usage"


# --- Offices and their links -------------------------------------------------------------------------


class InvalidLinkCode(DomainError):
    """Unknown, expired and used codes get the same answer: nothing to learn by guessing."""

    template = "office/invalid_code"


class EnterpriseChatCannotLink(DomainError):
    template = "office/enterprise_chat"


class OfficeAdminOnly(DomainError):
    template = "office/admin_only"


class NotAnOffice(DomainError):
    template = "office/not_office"


class NotLinked(DomainError):
    template = "office/not_linked"


class LinkGone(DomainError):
    """The link was removed already (a second press, or the other side was quicker)."""

    template = "office/link_gone"


class NoSuchLink(DomainError):
    """No linked office (or enterprise) has the name the person typed."""

    template = "office/no_such_link"

    def __init__(self, *, given: str) -> None:
        super().__init__(given=given)


class AmbiguousLink(DomainError):
    """Several linked chats have that name: the buttons tell them apart."""

    template = "office/ambiguous_link"

    def __init__(self, *, given: str) -> None:
        super().__init__(given=given)


class CodesBelongToEnterprises(DomainError):
    """``/office revoke`` in an office chat: codes are issued (and revoked) by enterprises."""

    template = "office/revoke_in_enterprise"


# --- Quizzes and spot checks -------------------------------------------------------------------------


class QuizOver(DomainError):
    """A button of a quiz that has already finished (or whose time ran out)."""

    template = "quiz/over"


class AlreadyAnswered(DomainError):
    template = "quiz/already_answered"


class AlreadyChecked(DomainError):
    template = "quiz/already_checked"


class AlreadyStarted(DomainError):
    template = "quiz/already_started"


# --- Languages ---------------------------------------------------------------------------------------


class UnknownLanguage(DomainError):
    """``/lang`` with something that is not one of the supported languages."""

    template = "language/unknown"


# --- Events ------------------------------------------------------------------------------------------


class EventUsage(DomainError):
    """``/event`` without a known kind, or a hazard without its deadline."""

    template = "events/usage"


# --- Reports -----------------------------------------------------------------------------------------


class BadPeriod(DomainError):
    template = "reports/bad_period"


class BadDigestTime(DomainError):
    """``/digest 25:00`` or ``/digest 8点半``: the time is given as HH:MM."""

    template = "errors/bad_digest_time"


class NotAForum(DomainError):
    """``/topic`` in a group without topics, or outside any topic."""

    template = "errors/not_a_forum"


# --- Evidence storage ----------------------------------------------------------------------------


class EvidenceRefused(DomainError):
    """A photo or file not kept: ``reason`` too_large (over ``limit_mb``), wrong_type (a photo
    that is no image, a file that is no image, PDF or office document) or gone (Telegram
    would not give it back). Nothing was stored."""

    template = "errors/evidence_refused"


# --- Robot channels (WeCom, DingTalk, Feishu) ----------------------------------------------------


class BadWebhook(DomainError):
    """A robot's webhook URL not of its platform's shape (``reason`` shape: ``expected`` is the
    shape wanted), or a signed robot given without its secret (``reason`` secret_missing).
    Nothing was stored."""

    template = "errors/bad_webhook"
