"""``INSERT … ON CONFLICT DO NOTHING`` for SQLite and PostgreSQL alike, one row or many.

Many rows go in as one ``executemany`` (SQLite runs it in C, one statement per row); on
PostgreSQL a large batch is copied (``COPY``) into a temporary table and merged with one
``INSERT … SELECT … ON CONFLICT DO NOTHING``, which is several times faster than a statement
per row. Rows are plain dicts: no ORM object per row.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Column, MetaData, Table, and_, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.schema import SchemaItem
from sqlmodel import Session

COPY_MIN_ROWS = 1000  # below this a COPY's temporary table costs more than it saves
_BATCH = 1000


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _insert(session: Session, table: Table) -> Any:
    module: Any = postgresql if _dialect(session) == "postgresql" else sqlite
    return module.insert(table)


def insert_ignore(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows``, silently skipping any that violate a unique constraint."""
    if not rows:
        return
    if _dialect(session) == "postgresql" and len(rows) >= COPY_MIN_ROWS:
        columns = list(rows[0])
        stage = _copy_to_temp(session, [table.c[c] for c in columns], rows)
        merge = _insert(session, table).from_select(columns, select(*stage.c))
        session.execute(merge.on_conflict_do_nothing())
        stage.drop(session.connection())
        return
    stmt = _insert(session, table).on_conflict_do_nothing()
    for start in range(0, len(rows), _BATCH):
        session.execute(stmt, list(rows[start : start + _BATCH]))


def insert_ignore_by_key(
    session: Session,
    table: Table,
    rows: Sequence[dict[str, Any]],
    *,
    parent: Table,
    fk: str,
    key: Sequence[str],
) -> None:
    """Insert child rows that name their parent by its unique ``key`` columns, not its id.

    Each row has the parent's ``key`` columns and the child's own columns (a column may be
    both, e.g. ``enterprise_id``); the parent's ``id`` goes into ``fk``. So occurrences and
    their reminders are written in two bulk statements without reading ids back. Rows whose
    parent is missing are not written; rows that already exist are skipped.
    """
    if not rows:
        return
    own = [c for c in rows[0] if c in table.c and c != fk]
    if _dialect(session) == "postgresql" and len(rows) >= COPY_MIN_ROWS:
        names = list(dict.fromkeys([*own, *key]))
        columns = [table.c[c] if c in table.c else parent.c[c] for c in names]
        stage = _copy_to_temp(session, columns, rows)
        # A correlated lookup per row always uses the parent's unique index; a join would
        # let a planner with stale statistics scan the whole parent table for every batch.
        parent_id = (
            select(parent.c.id)
            .where(and_(*(parent.c[k] == stage.c[k] for k in key)))
            .scalar_subquery()
        )
        found = select(parent_id.label(fk), *(stage.c[c] for c in own))
        rows_found = found.offset(0).subquery()  # a fence: each lookup runs once per row
        source = select(rows_found).where(rows_found.c[fk].is_not(None))
        merge = _insert(session, table).from_select([fk, *own], source)
        session.execute(merge.on_conflict_do_nothing())
        stage.drop(session.connection())
        return
    params = [bindparam(c, type_=table.c[c].type) for c in own]
    source = select(parent.c.id, *params).where(
        and_(*(parent.c[k] == bindparam(k, type_=parent.c[k].type) for k in key))
    )
    stmt = _insert(session, table).from_select([fk, *own], source).on_conflict_do_nothing()
    for start in range(0, len(rows), _BATCH):
        session.execute(stmt, list(rows[start : start + _BATCH]))


def _copy_to_temp(
    session: Session, columns: Sequence[Column[Any]], rows: Sequence[dict[str, Any]]
) -> Table:
    """A temporary table with ``columns`` (names and types), filled from ``rows`` by COPY."""
    names = [c.name for c in columns]
    items: list[SchemaItem] = [Column(c.name, c.type) for c in columns]
    stage = Table(f"stage_{uuid.uuid4().hex[:12]}", MetaData(), *items, prefixes=["TEMPORARY"])
    connection = session.connection()
    stage.create(connection)
    raw: Any = connection.connection.driver_connection  # psycopg's, for its COPY API
    quoted = ", ".join(f'"{n}"' for n in names)
    with raw.cursor() as cursor, cursor.copy(f"COPY {stage.name} ({quoted}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[n] for n in names])
    return stage
