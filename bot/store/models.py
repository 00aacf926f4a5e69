"""Database tables. The database, not the scheduler's memory, is the source of truth.

Occurrences of obligations and the reminders due for them are rows; unique keys make
materialization idempotent, and the reminder table doubles as the outbox the dispatcher
claims from (``state`` + ``claimed_until`` lease).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import BigInteger, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.store.types import UTCDateTime


def _ts(*, nullable: bool = False, index: bool = False) -> Column[dt.datetime]:
    return Column(UTCDateTime(), nullable=nullable, index=index)


class Enterprise(SQLModel, table=True):
    """An enterprise and the group chat it works in."""

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_column=Column(BigInteger, unique=True, nullable=False))
    name: str = Field(max_length=120)
    sector: str = Field(max_length=40)
    high_risk: bool
    region: str = Field(default="national", max_length=20)  # an id of schedules/regions.yaml
    # Working pattern: "office" (working days) or "continuous" (every day, in shifts starting
    # at the comma-separated local times of ``shift_starts``, e.g. "08:00,16:00,00:00").
    work_pattern: str = Field(default="office", max_length=12)
    shift_starts: str | None = Field(default=None, max_length=60)
    timezone: str = Field(default="Asia/Shanghai", max_length=40)
    locale: str = Field(default="zh_CN", max_length=10)
    active: bool = True
    safety_officer_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    created_by: int = Field(sa_column=Column(BigInteger, nullable=False))
    created_at: dt.datetime = Field(sa_column=_ts())
    materialized_until: dt.date | None = None
    # The group restricted the bot (it is a member but may not post): since when, when the
    # held reminders are tried again, and how many tries failed (the backoff doubles each time).
    muted_at: dt.datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    mute_retry_at: dt.datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    mute_attempts: int = 0
    # The daily digest: local time (HH:MM) and mode ("daily" or "due_only", see
    # bot.domain.digest); the forum topic reminders go to (None: the general chat).
    digest_time: str = Field(default="08:00", max_length=5)
    digest_mode: str = Field(default="daily", max_length=12)
    topic_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    # Linked offices see certificate numbers only when the enterprise shares them.
    share_certificates: bool = False
    # False: the enterprise is only on robot channels (``channel``); ``chat_id`` is then a
    # number of ours (``bot.services.channels``), never a Telegram chat.
    on_telegram: bool = True
    # Where an office files it, for the desk's filters: the 乡镇/街道 and the 行业主管部门
    # (free text, set by the enterprise's admins or by a linked office on the desk).
    township: str | None = Field(default=None, max_length=60)
    authority: str | None = Field(default=None, max_length=60)


class OccurrenceStatus(StrEnum):
    OPEN = "open"
    DONE = "done"


class OccurrenceRow(SQLModel, table=True):
    """One dated instance of an obligation for one enterprise."""

    __tablename__ = "occurrence"
    __table_args__ = (
        UniqueConstraint("enterprise_id", "key", name="uq_occurrence_key"),
        Index("ix_occurrence_enterprise_due", "enterprise_id", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprise.id")
    key: str = Field(max_length=120)
    obligation_id: str = Field(max_length=60)
    area: str | None = Field(default=None, max_length=20)
    label: str = Field(max_length=20)
    window_start: dt.date
    window_end: dt.date
    due_at: dt.datetime = Field(sa_column=_ts())
    quota: int = 1
    status: str = Field(default=OccurrenceStatus.OPEN.value, max_length=10)
    done_at: dt.datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class ReminderState(StrEnum):
    PENDING = "pending"
    CLAIMED = "claimed"
    SENT = "sent"
    SKIPPED = "skipped"  # the occurrence was already done when it came due
    SUPERSEDED = "superseded"  # folded into a later reminder or a catch-up digest
    FAILED = "failed"  # chat gone, or refused by Telegram too often (last_error says why)


class ReminderRow(SQLModel, table=True):
    """The outbox: a reminder to post at ``fire_at``; claimed, sent and recorded once."""

    __tablename__ = "reminder"
    __table_args__ = (
        UniqueConstraint("occurrence_id", "kind", name="uq_reminder_kind"),
        UniqueConstraint(
            "certificate_id", "kind", "recipient_id", "fire_at", name="uq_reminder_certificate"
        ),
        Index("ix_reminder_due", "state", "fire_at"),
        Index("ix_reminder_message", "enterprise_id", "message_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # A duty's reminder to the group (``occurrence_id``), or a certificate's reminder to one
    # person in private (``certificate_id`` and ``recipient_id``, the person's user id).
    occurrence_id: int | None = Field(default=None, foreign_key="occurrence.id", index=True)
    certificate_id: int | None = Field(default=None, foreign_key="certificate.id", index=True)
    recipient_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    kind: str = Field(max_length=20)
    fire_at: dt.datetime = Field(sa_column=_ts())
    state: str = Field(default=ReminderState.PENDING.value, max_length=12)
    claimed_until: dt.datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    claimed_by: str | None = Field(default=None, max_length=64)
    # Fencing: the random token of the claim that holds the row; only that claim records it.
    claim_token: str | None = Field(default=None, max_length=32)
    attempts: int = 0
    failures: int = 0  # sends refused for a reason a retry may not fix; capped, then failed
    sent_at: dt.datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    message_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    last_error: str | None = Field(default=None, max_length=200)
    # When a newer digest superseded the message: its buttons went, it says where items stand.
    tidied_at: dt.datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class Confirmation(SQLModel, table=True):
    """Someone confirmed an occurrence. ``slot`` keeps repeated presses idempotent:
    0 for one-off confirmations, the local date ordinal for quota duties (one per day)."""

    __table_args__ = (
        UniqueConstraint("occurrence_id", "user_id", "slot", name="uq_confirmation_slot"),
        Index("ix_confirmation_enterprise_time", "enterprise_id", "confirmed_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    occurrence_id: int = Field(foreign_key="occurrence.id", index=True)
    enterprise_id: int = Field(foreign_key="enterprise.id")
    user_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    user_name: str = Field(max_length=120)
    slot: int = 0
    confirmed_at: dt.datetime = Field(sa_column=_ts())
    note: str | None = Field(default=None, max_length=1000)
    channel: str = Field(default="telegram", max_length=12)  # where it came from (wecom, …)


class Member(SQLModel, table=True):
    """A person on an enterprise's roster (the Bot API cannot list group members)."""

    __table_args__ = (UniqueConstraint("enterprise_id", "user_id", name="uq_member"),)

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    user_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    name: str = Field(max_length=120)
    username: str | None = Field(default=None, max_length=64, index=True)
    joined_at: dt.datetime = Field(sa_column=_ts())


class Evidence(SQLModel, table=True):
    """A photo, file or note attached to an occurrence (Telegram file ids, sendable back)."""

    id: int | None = Field(default=None, primary_key=True)
    occurrence_id: int = Field(foreign_key="occurrence.id", index=True)
    enterprise_id: int = Field(foreign_key="enterprise.id")
    user_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    kind: str = Field(max_length=12)  # photo | document | note
    file_id: str | None = Field(default=None, max_length=200)
    text: str | None = Field(default=None, max_length=1000)
    created_at: dt.datetime = Field(sa_column=_ts())


class DisabledObligation(SQLModel, table=True):
    """An optional obligation an enterprise's admins switched off (``/obligations``)."""

    __tablename__ = "disabled_obligation"
    __table_args__ = (UniqueConstraint("enterprise_id", "obligation_id", name="uq_disabled"),)

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    obligation_id: str = Field(max_length=60)
    disabled_by: int = Field(sa_column=Column(BigInteger, nullable=False))
    disabled_at: dt.datetime = Field(sa_column=_ts())


class EvidencePrompt(SQLModel, table=True):
    """A "reply with a photo, file or note" prompt the bot posted, and what it is for."""

    __tablename__ = "evidence_prompt"
    __table_args__ = (UniqueConstraint("chat_id", "message_id", name="uq_evidence_prompt"),)

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    message_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    occurrence_id: int = Field(foreign_key="occurrence.id")
    created_at: dt.datetime = Field(sa_column=_ts())


# Tables other modules keep that these refer to or that refer to these (``reminder.certificate_id``,
# ``channel.enterprise_id``): registered with these on SQLModel.metadata.
import bot.store.channel_models  # noqa: E402
import bot.store.people_models  # noqa: E402, F401
