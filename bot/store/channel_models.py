"""Tables of the other chat platforms: an enterprise's robot channels and their outbox.

A ``Channel`` is one group robot an enterprise posts to beside (or instead of) its Telegram
group: a WeCom group robot, a DingTalk custom robot or a Feishu custom bot, each a webhook URL
(whose key is a secret: never logged) and, for signed robots, a secret. ``ChannelMessage`` is
one message rendered for one channel, written when the dispatcher hands the reminders over
(``dedupe_key`` makes a retried hand-over idempotent) and sent by the channel sender with its
own claim, lease and token, paced to the robot's limits; a throttled robot parks its messages
(``fire_at``), so nothing is lost.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.store.types import UTCDateTime

__all__ = ["PLATFORMS", "Channel", "ChannelMessage"]

PLATFORMS = ("wecom", "dingtalk", "feishu")


def _ts(*, nullable: bool = False) -> Column[dt.datetime]:
    return Column(UTCDateTime(), nullable=nullable)


class Channel(SQLModel, table=True):
    __tablename__ = "channel"
    __table_args__ = (
        UniqueConstraint("enterprise_id", "webhook_url", name="uq_channel_webhook"),
        Index("ix_channel_enterprise", "enterprise_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprise.id")
    platform: str = Field(max_length=12)  # wecom | dingtalk | feishu
    webhook_url: str = Field(max_length=500)
    secret: str | None = Field(default=None, max_length=200)  # 加签 / signature secret
    keyword: str | None = Field(default=None, max_length=40)  # DingTalk's keyword security
    active: bool = True
    added_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    added_at: dt.datetime = Field(sa_column=_ts())
    disabled_reason: str | None = Field(default=None, max_length=60)  # invalid key, removed…
    throttled_until: dt.datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class ChannelMessage(SQLModel, table=True):
    __tablename__ = "channel_message"
    __table_args__ = (
        UniqueConstraint("channel_id", "dedupe_key", name="uq_channel_message"),
        Index("ix_channel_message_due", "state", "fire_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    channel_id: int = Field(foreign_key="channel.id")
    enterprise_id: int = Field(foreign_key="enterprise.id")
    dedupe_key: str = Field(max_length=64)
    payload: str = Field(sa_column=Column(Text, nullable=False))  # the platform's JSON body
    fire_at: dt.datetime = Field(sa_column=_ts())
    state: str = Field(default="pending", max_length=12)  # pending|claimed|sent|failed
    claimed_until: dt.datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    claim_token: str | None = Field(default=None, max_length=32)
    attempts: int = 0
    created_at: dt.datetime = Field(sa_column=_ts())
    sent_at: dt.datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    last_error: str | None = Field(default=None, max_length=200)
