"""A throwaway PostgreSQL database per test, on the server named by DATABASE_URL_PG.

``.ci/run`` starts a cluster on loopback and exports DATABASE_URL_PG; without it the
PostgreSQL variants of database tests are skipped, never faked.
"""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def fresh_database(request: pytest.FixtureRequest) -> str:
    base = os.environ.get("DATABASE_URL_PG")
    if not base:
        pytest.skip("DATABASE_URL_PG not set (no PostgreSQL server)")
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    request.addfinalizer(drop)
    return make_url(base).set(database=name).render_as_string(hide_password=False)
