"""The roster: people who joined an enterprise's list (the Bot API cannot list group members)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, SQLModel, col, func, select

from bot.store.models import Enterprise, Member
from bot.store.upsert import insert_ignore


def join(
    session: Session,
    *,
    enterprise_id: int,
    user_id: int,
    name: str,
    username: str | None,
    now: dt.datetime,
) -> bool:
    """Put the person on the roster; True if they were not on it before."""
    before = is_member(session, enterprise_id=enterprise_id, user_id=user_id)
    insert_ignore(
        session,
        SQLModel.metadata.tables["member"],
        [
            {
                "enterprise_id": enterprise_id,
                "user_id": user_id,
                "name": name[:120],
                "username": username,
                "joined_at": now,
            }
        ],
    )
    if before:
        session.exec(  # keep the display name current
            select(Member).where(Member.enterprise_id == enterprise_id, Member.user_id == user_id)
        ).one().name = name[:120]
    session.commit()
    return not before


def is_member(session: Session, *, enterprise_id: int, user_id: int) -> bool:
    return (
        session.exec(
            select(func.count()).where(
                Member.enterprise_id == enterprise_id, Member.user_id == user_id
            )
        ).one()
        > 0
    )


def members(session: Session, enterprise_id: int) -> list[Member]:
    return list(
        session.exec(
            select(Member)
            .where(Member.enterprise_id == enterprise_id)
            .order_by(col(Member.joined_at))
        ).all()
    )


def enterprises_of(session: Session, user_id: int) -> list[Enterprise]:
    """The active enterprises whose roster the person is on, by name."""
    return list(
        session.exec(
            select(Enterprise)
            .join(Member, col(Member.enterprise_id) == col(Enterprise.id))
            .where(Member.user_id == user_id, col(Enterprise.active))
            .order_by(col(Enterprise.name), col(Enterprise.id))
        ).all()
    )


def find_by_username(session: Session, *, enterprise_id: int, username: str) -> Member | None:
    return session.exec(
        select(Member).where(
            Member.enterprise_id == enterprise_id,
            func.lower(Member.username) == username.lstrip("@").lower(),
        )
    ).first()
