"""Handing a dispatched message over to an enterprise's robot channels.

The dispatcher decides what goes out and when (claims, catch-up, escalation: one system); for
an enterprise with robot channels, each message it posts is also rendered for every active
channel and written to the channel outbox (``ChannelMessage``) before the Telegram send. The
``dedupe_key`` (a hash of the reminder ids and the channel) makes a retried hand-over — the
Telegram send failed and the rows came due again — write nothing twice; the channel sender
(``bot.services.channels.outbox``) then posts them at each robot's pace.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.store.channel_models import Channel, ChannelMessage


def active_channels(session: Session, enterprise_ids: Iterable[int]) -> dict[int, list[Channel]]:
    """The active robot channels of ``enterprise_ids``, by enterprise (one query)."""
    ids = sorted(set(enterprise_ids))
    found: dict[int, list[Channel]] = {}
    if not ids:
        return found
    query = (
        select(Channel)
        .where(col(Channel.enterprise_id).in_(ids), col(Channel.active))
        .order_by(col(Channel.id))
    )
    for channel in session.exec(query).all():
        found.setdefault(channel.enterprise_id, []).append(channel)
    return found


def dedupe_key(channel_id: int, reminder_ids: Sequence[int]) -> str:
    text = f"{channel_id}:" + ",".join(str(i) for i in sorted(reminder_ids))
    return hashlib.sha256(text.encode()).hexdigest()[:64]


def hand_over(
    session: Session,
    payloads: Sequence[tuple[Channel, dict[str, object]]],
    reminder_ids: Sequence[int],
    *,
    now: dt.datetime,
) -> int:
    """Write each channel's rendered message once; returns how many were new."""
    written = 0
    for channel, payload in payloads:
        message = ChannelMessage(
            channel_id=channel.id or 0,
            enterprise_id=channel.enterprise_id,
            dedupe_key=dedupe_key(channel.id or 0, reminder_ids),
            payload=json.dumps(payload, ensure_ascii=False),
            fire_at=now,
            created_at=now,
        )
        try:
            with session.begin_nested():
                session.add(message)
            written += 1
        except IntegrityError:  # handed over already (a retry after the Telegram send failed)
            pass
    session.commit()
    return written
