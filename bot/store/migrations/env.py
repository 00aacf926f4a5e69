"""Alembic environment: runs on the connection handed over by ``bot.store.db.upgrade``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool
from sqlmodel import SQLModel

import bot.store.desk_models  # noqa: F401
import bot.store.drill_models
import bot.store.channel_models  # noqa: F401
import bot.store.event_models  # noqa: F401
import bot.store.hazard_models  # noqa: F401
import bot.store.models  # noqa: F401  (registers the tables on SQLModel.metadata)
import bot.store.office_models  # noqa: F401
import bot.store.people_models  # noqa: F401
import bot.store.pref_models  # noqa: F401
import bot.store.quiz_models  # noqa: F401
import bot.store.storage_models  # noqa: F401

config = context.config
target_metadata = SQLModel.metadata


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(
            connection=connection, target_metadata=target_metadata, render_as_batch=True
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run_migrations()
