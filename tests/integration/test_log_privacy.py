"""People's text stays out of the logs, even when handling their update fails (issue 14, item 9)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from bot.demo.harness import LocalBot
from bot.store.db import make_engine
from tests.fakes.group import group_with_bot

NAME = "隐私测试化工ZQX7有限公司"  # distinctive: found in a log line only if it leaked

REFUSE_SQLITE = (
    "CREATE TRIGGER refuse BEFORE INSERT ON enterprise BEGIN SELECT RAISE(ABORT, 'refused'); END"
)
REFUSE_PG = (
    "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$"
    " LANGUAGE plpgsql;"
    " CREATE TRIGGER refuse BEFORE INSERT ON enterprise FOR EACH ROW EXECUTE FUNCTION refuse()"
)


def _refuse_new_enterprises(bot: LocalBot) -> None:
    """Make every INSERT into ``enterprise`` fail inside the database, as a full disk would."""
    engine = bot.ctx.engine
    with engine.begin() as connection:
        connection.execute(text(REFUSE_SQLITE if engine.dialect.name == "sqlite" else REFUSE_PG))


async def test_a_failed_setup_logs_the_error_type_and_ids_but_never_the_name(
    bot: LocalBot, caplog: pytest.LogCaptureFixture
) -> None:
    group = await group_with_bot(bot)
    _refuse_new_enterprises(bot)
    with caplog.at_level(logging.DEBUG, logger="bot"), caplog.at_level(logging.INFO):
        bot.emulator.send_text(group.chat, group.admin, f"/setup 危险化学品 {NAME}")
        await bot.emulator.wait_for(
            lambda: any(r.name == "bot.telegram.error_handler" for r in caplog.records)
        )
    formatter = logging.Formatter("%(message)s")  # formats the traceback too, if there is one
    for record in caplog.records:
        assert NAME not in formatter.format(record), record.name
    assert NAME not in caplog.text
    [error] = [r for r in caplog.records if r.name == "bot.telegram.error_handler"]
    line = error.getMessage()  # what failed, and where: enough to find the bug
    assert "IntegrityError" in line or "RaiseException" in line, line
    assert f"chat_id={group.chat_id}" in line and f"user_id={group.admin['id']}" in line
    assert "setup/handlers.py" in line


def test_database_errors_do_not_quote_the_values_of_the_statement(tmp_path: Path) -> None:
    """Whatever logs a database error (our handlers, SQLAlchemy, a crash) never sees the values."""
    engine = make_engine(f"sqlite:///{tmp_path}/bot.db")
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (name TEXT NOT NULL UNIQUE)"))
            connection.execute(text("INSERT INTO t VALUES (:name)"), {"name": NAME})
        with pytest.raises(IntegrityError) as caught, engine.begin() as connection:
            connection.execute(text("INSERT INTO t VALUES (:name)"), {"name": NAME})
    finally:
        engine.dispose()
    assert NAME not in str(caught.value) and "hide_parameters" in str(caught.value)
