"""The ``stored_file`` records: a file arrived, it was stored, a try failed, it was purged.

Pure database work, no Telegram and no store: ``bot/telegram/evidence/archive.py`` downloads
and stores, and calls these to write down what happened.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.storage.files import Checked
from bot.store.storage_models import StoredFile

FIRST_RETRY = dt.timedelta(minutes=5)
MAX_RETRY = dt.timedelta(hours=6)
GIVE_UP_AFTER = 20  # tries: about four days at the longest wait


def arrived(
    session: Session,
    *,
    enterprise_id: int,
    source: str,
    source_id: int,
    kind: str,
    file_id: str,
    received_at: dt.datetime,
    file_name: str | None = None,
) -> StoredFile:
    """The record of a file that arrived (once per source row), not yet stored."""
    row = session.exec(
        select(StoredFile).where(StoredFile.source == source, StoredFile.source_id == source_id)
    ).first()
    if row is None:
        row = StoredFile(
            enterprise_id=enterprise_id,
            source=source,
            source_id=source_id,
            kind=kind,
            file_id=file_id,
            file_name=(file_name or None) and file_name[:200],
            received_at=received_at,
        )
        session.add(row)
        session.commit()
        session.refresh(row)
    return row


def stored(session: Session, row: StoredFile, key: str, checked: Checked, now: dt.datetime) -> None:
    row.key, row.size, row.content_type = key, checked.size, checked.content_type
    row.sha256, row.stored_at, row.next_attempt_at = checked.sha256, now, None
    session.add(row)
    session.commit()


def failed(session: Session, row: StoredFile, now: dt.datetime) -> None:
    """A try that may work later: wait 5 min, then twice as long each time (at most 6 h)."""
    row.attempts += 1
    wait = min(FIRST_RETRY * 2 ** (row.attempts - 1), MAX_RETRY)
    row.next_attempt_at = now + wait
    if row.attempts >= GIVE_UP_AFTER:
        row.refused = "gone"
    session.add(row)
    session.commit()


def refused(session: Session, row: StoredFile, reason: str) -> None:
    """Never to be stored: Telegram no longer has it, or it is too large or of a wrong type."""
    row.refused = reason[:20]
    session.add(row)
    session.commit()


def missing(
    session: Session, now: dt.datetime, *, retention_days: int, limit: int = 20
) -> list[StoredFile]:
    """Files still to fetch whose next try is due (none older than the retention period)."""
    cutoff = now - dt.timedelta(days=retention_days)
    return list(
        session.exec(
            select(StoredFile)
            .where(
                col(StoredFile.stored_at).is_(None),
                col(StoredFile.refused).is_(None),
                col(StoredFile.purged_at).is_(None),
                StoredFile.received_at >= cutoff,
                (col(StoredFile.next_attempt_at).is_(None))
                | (col(StoredFile.next_attempt_at) <= now),
            )
            .order_by(col(StoredFile.id))
            .limit(limit)
        ).all()
    )


def expired(
    session: Session, now: dt.datetime, *, retention_days: int, limit: int = 200
) -> list[StoredFile]:
    """Records past retention not yet purged (stored or not)."""
    cutoff = now - dt.timedelta(days=retention_days)
    return list(
        session.exec(
            select(StoredFile)
            .where(col(StoredFile.purged_at).is_(None), StoredFile.received_at < cutoff)
            .order_by(col(StoredFile.id))
            .limit(limit)
        ).all()
    )


def shared_key(session: Session, key: str, purging: Sequence[int]) -> bool:
    """Another record not being purged keeps the same stored file (same bytes, same month)."""
    count = session.exec(
        select(func.count())
        .select_from(StoredFile)
        .where(
            StoredFile.key == key,
            col(StoredFile.purged_at).is_(None),
            col(StoredFile.id).not_in(list(purging)),
        )
    ).one()
    return bool(count)


def purged(session: Session, rows: Sequence[StoredFile], now: dt.datetime) -> None:
    for row in rows:
        row.purged_at = now
        session.add(row)
    session.commit()


def of_source(session: Session, source: str, source_ids: Sequence[int]) -> dict[int, StoredFile]:
    """The records of these source rows, by source id."""
    if not source_ids:
        return {}
    rows = session.exec(
        select(StoredFile).where(
            StoredFile.source == source, col(StoredFile.source_id).in_(list(source_ids))
        )
    ).all()
    return {r.source_id: r for r in rows}


def in_period(
    session: Session, enterprise_id: int, start: dt.datetime, end: dt.datetime
) -> list[StoredFile]:
    """The enterprise's stored, unpurged files that arrived in ``[start, end)``."""
    return list(
        session.exec(
            select(StoredFile)
            .where(
                StoredFile.enterprise_id == enterprise_id,
                StoredFile.received_at >= start,
                StoredFile.received_at < end,
                col(StoredFile.stored_at).is_not(None),
                col(StoredFile.purged_at).is_(None),
            )
            .order_by(col(StoredFile.received_at), col(StoredFile.id))
        ).all()
    )
