"""Alembic migrations on SQLite and PostgreSQL: from empty, from every revision, down and up.

The migrated schema must equal what the models declare (autogenerate finds nothing to do),
so a model change without its migration fails here. Several heads are fine: every test
upgrades to "heads".
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect
from sqlmodel import SQLModel

import bot.store
from bot.store.db import alembic_config, make_engine


def _import_models() -> None:
    """Every table module under bot/store (models.py, *_models.py), as env.py imports them."""
    for module in pkgutil.iter_modules(bot.store.__path__):
        if module.name == "models" or module.name.endswith("_models"):
            importlib.import_module(f"bot.store.{module.name}")


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    _import_models()
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def _migrate(engine: Engine, direction: str, revision: str) -> None:
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        getattr(command, direction)(cfg, revision)


def _schema_diff(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, SQLModel.metadata))


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def _revisions(engine: Engine) -> list[str]:
    """Every revision id, base first (parents before children)."""
    script = ScriptDirectory.from_config(
        alembic_config(engine.url.render_as_string(hide_password=False))
    )
    return [r.revision for r in reversed(list(script.walk_revisions("base", "heads")))]


def test_upgrade_from_empty_matches_the_models(engine: Engine) -> None:
    _migrate(engine, "upgrade", "heads")
    assert _tables(engine) == set(SQLModel.metadata.tables)
    assert _schema_diff(engine) == []


def test_downgrade_to_base_removes_everything_and_upgrade_restores_it(engine: Engine) -> None:
    _migrate(engine, "upgrade", "heads")
    _migrate(engine, "downgrade", "base")
    assert _tables(engine) == set()
    _migrate(engine, "upgrade", "heads")
    assert _schema_diff(engine) == []


def test_upgrade_to_heads_from_every_earlier_revision(engine: Engine) -> None:
    revisions = _revisions(engine)
    assert revisions[:2] == ["0001", "0002"]
    for revision in revisions:
        _migrate(engine, "downgrade", "base")
        _migrate(engine, "upgrade", revision)
        _migrate(engine, "upgrade", "heads")
        assert _schema_diff(engine) == [], f"upgrading from {revision} leaves a different schema"
