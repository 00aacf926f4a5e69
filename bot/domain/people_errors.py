"""Refusals of people's records (certificates, training hours); each names its reply template.

The context of each names the field that was wrong (``field``) and what was given or expected,
so the reply can say which answer to give again; nothing is saved when one is raised.
"""

from __future__ import annotations

from bot.errors import DomainError


class BadDate(DomainError):
    """A date in a shape the bot does not read (``field``: issued_on, expires_on, reviewed_on,
    day)."""

    template = "errors/people_bad_date"


class DateInFuture(DomainError):
    template = "errors/people_date_in_future"


class ExpiryBeforeIssue(DomainError):
    template = "errors/people_expiry_before_issue"


class ExpiryRequired(DomainError):
    """A kind with no validity rule needs the expiry printed on the certificate."""

    template = "errors/people_expiry_required"


class UnknownCertificateKind(DomainError):
    template = "errors/people_unknown_kind"


class UnknownCategory(DomainError):
    """The 作业类别 (or the training category) is not one of the kind's (``choices``)."""

    template = "errors/people_unknown_category"


class BadNumber(DomainError):
    """The number does not have the kind's shape (``hint`` says what it looks like)."""

    template = "errors/people_bad_number"


class BadHours(DomainError):
    template = "errors/people_bad_hours"


class NotYourRecord(DomainError):
    """Only the safety officer or a chat admin edits someone else's record."""

    template = "errors/people_not_your_record"


class UnknownPerson(DomainError):
    template = "errors/people_unknown_person"
