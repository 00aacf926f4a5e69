"""Checks of what an operator gives ``safetybot``: dates, day counts, output files, the database.

Each check raises :class:`~bot.console.CliError` naming the value, what is wrong with it and
what is expected, before any work is done: ``stats --xlsx`` to a missing folder fails before
the statistics are printed, not after, and a database that does not answer fails before
migrations start.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from sqlalchemy import create_engine, make_url
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from bot.console import CliError

CONNECT_TIMEOUT_SECONDS = 5


def parse_date(option: str, value: str | None) -> dt.date | None:
    """``YYYY-MM-DD`` (as ``--from``/``--to`` take it), or None when the option was not given."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise CliError("cli/bad_date", option=option, value=value) from None


def parse_days(value: str) -> int:
    """``--days``: a whole number of days, 1 or more."""
    try:
        days = int(value.strip())
    except ValueError:
        days = 0
    if days < 1:
        raise CliError("cli/bad_days", value=value)
    return days


def writable_file(option: str, path: Path) -> Path:
    """A file ``option`` may create or replace: not a folder, in an existing writable folder."""
    if path.is_dir():
        raise CliError("cli/output_path", reason="is_folder", option=option, path=str(path))
    folder = path.parent
    if not folder.is_dir():
        raise CliError(
            "cli/output_path", reason="no_folder", option=option, path=str(path), folder=str(folder)
        )
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise CliError(
            "cli/output_path",
            reason="not_writable",
            option=option,
            path=str(path),
            folder=str(folder),
        )
    return path


def write_file(option: str, path: Path, data: bytes) -> None:
    """Write ``data``; what the checks could not foresee (a full disk) is still one line."""
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise CliError(
            "cli/output_path",
            reason="os_error",
            option=option,
            path=str(path),
            problem=exc.strerror or type(exc).__name__,
        ) from None


def shown_url(url: str) -> str:
    """The database URL with its password hidden, as it may appear on a terminal."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "…"


def _sqlite_folder(url: URL) -> Path | None:
    """The folder of a SQLite file, or None for an in-memory database."""
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        return None
    return Path(url.database).expanduser().resolve().parent


def check_database(url: str) -> None:
    """Connect once to ``url`` (``DATABASE_URL``); CliError if that cannot work."""
    shown = shown_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise CliError("cli/database", reason="bad_url", url=shown) from None
    if parsed.get_backend_name() == "sqlite":
        folder = _sqlite_folder(parsed)
        if folder is not None and not folder.is_dir():
            raise CliError("cli/database", reason="no_folder", url=shown, folder=str(folder))
    sqlite = parsed.get_backend_name() == "sqlite"
    connect_args = {} if sqlite else {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
    try:
        engine = create_engine(parsed, hide_parameters=True, connect_args=connect_args)
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise CliError(
            "cli/database", reason="no_driver", url=shown, problem=type(exc).__name__
        ) from None
    try:
        engine.connect().close()
    except DBAPIError as exc:
        problem = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        raise CliError("cli/database", reason="unreachable", url=shown, problem=problem) from None
    finally:
        engine.dispose()
