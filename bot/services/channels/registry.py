"""Adding, listing and removing an enterprise's robot channels; enterprises only on robots.

Shared by ``/channel`` in the Telegram group, ``safetybot channels`` and the desk. A webhook
URL is checked against its platform's shape (``bot.channels.platforms.check_webhook``:
``BadWebhook`` with the shape wanted, nothing stored) and kept only in the database; what is
shown of it anywhere is ``mask``-ed.

An enterprise only on robot channels still needs a ``chat_id`` (the column is the key much of
the bot works by): it gets a number of ours from ``ROBOT_CHAT_BASE`` up, far above any
Telegram chat id, and ``on_telegram=False``, so nothing is ever sent to Telegram for it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.catalog.models import Sector
from bot.channels.platforms import check_webhook
from bot.services import enterprises
from bot.store.channel_models import Channel, ChannelMessage
from bot.store.models import Enterprise

ROBOT_CHAT_BASE = 9_000_000_000_000_000  # Telegram chat ids stay far below (|id| < 2**53)


def is_robot_chat(chat_id: int) -> bool:
    """Whether ``chat_id`` is one of ours (an enterprise only on robot channels)."""
    return chat_id > ROBOT_CHAT_BASE


def next_robot_chat_id(session: Session) -> int:
    """The next free number of ours for an enterprise only on robot channels."""
    highest = session.exec(
        select(func.max(Enterprise.chat_id)).where(col(Enterprise.chat_id) > ROBOT_CHAT_BASE)
    ).one()
    return (highest or ROBOT_CHAT_BASE) + 1


@dataclass(frozen=True)
class Added:
    channel: Channel
    created: bool  # False: the enterprise had this webhook already (its secret is updated)


def add_channel(
    session: Session,
    enterprise: Enterprise,
    platform: str,
    url: str,
    secret: str | None,
    keyword: str | None,
    actor: int | None,
    *,
    now: dt.datetime,
) -> Added:
    """Add (or re-activate and update) a robot channel of ``enterprise``; ``BadWebhook`` for a
    URL of the wrong platform or shape, or a DingTalk/Feishu robot without secret or keyword."""
    secret, keyword = (secret or "").strip() or None, (keyword or "").strip() or None
    url = check_webhook(platform, url, secret=secret, keyword=keyword)
    assert enterprise.id is not None
    channel = session.exec(
        select(Channel).where(Channel.enterprise_id == enterprise.id, Channel.webhook_url == url)
    ).first()
    created = channel is None
    if channel is None:
        channel = Channel(
            enterprise_id=enterprise.id, platform=platform, webhook_url=url, added_at=now
        )
    channel.secret, channel.keyword, channel.added_by = secret, keyword, actor
    channel.active, channel.disabled_reason, channel.throttled_until = True, None, None
    session.add(channel)
    session.commit()
    session.refresh(channel)
    return Added(channel, created)


def channels_of(session: Session, enterprise_id: int) -> list[Channel]:
    """The enterprise's channels (active or not), numbered 1… in this order by the list."""
    return list(
        session.exec(
            select(Channel).where(Channel.enterprise_id == enterprise_id).order_by(col(Channel.id))
        ).all()
    )


def remove_channel(session: Session, enterprise_id: int, number: int) -> Channel | None:
    """Remove the ``number``-th channel of the list (its messages not yet sent go with it)."""
    found = channels_of(session, enterprise_id)
    if not 1 <= number <= len(found):
        return None
    channel = found[number - 1]
    for message in session.exec(
        select(ChannelMessage).where(ChannelMessage.channel_id == channel.id)
    ).all():
        session.delete(message)
    session.flush()
    session.delete(channel)
    session.commit()
    return channel


def register_robot_enterprise(
    session: Session,
    *,
    name: str,
    sector: Sector,
    now: dt.datetime,
    timezone: str,
    locale: str,
    region: str | None = None,
) -> Enterprise:
    """A new enterprise that is only on robot channels (``on_telegram=False``)."""
    for _ in range(3):  # two registrations at once may pick the same number: take the next
        chat_id = next_robot_chat_id(session)
        try:
            enterprise, _created = enterprises.register(
                session, chat_id=chat_id, name=name, sector=sector, user_id=0, now=now,
                timezone=timezone, locale=locale, region=region,
            )  # fmt: skip
        except IntegrityError:
            session.rollback()
            continue
        enterprise.on_telegram = False
        session.add(enterprise)
        session.commit()
        session.refresh(enterprise)
        return enterprise
    raise RuntimeError("no free number for a robot-only enterprise")
