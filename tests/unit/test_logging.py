"""Log lines: one per event, secrets redacted everywhere (message, arguments, traceback)."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator

import pytest
from telegram import error as tg

from bot.errors import ChatGone, RetryLater
from bot.logging_setup import JsonFormatter, LineFormatter, Redactor, configure_logging
from bot.web.metrics import error_kind

TOKEN = "987654321:AAH-some-real-looking-token_value42"
SECRET = "webhook-secret-abcdef0123456789"


def _record(message: str, *args: object, exc: bool = False) -> logging.LogRecord:
    exc_info = None
    if exc:
        try:
            raise RuntimeError(f"POST https://api.telegram.org/bot{TOKEN}/sendMessage\nfailed")
        except RuntimeError:
            exc_info = sys.exc_info()
    return logging.LogRecord("bot.test", logging.ERROR, __file__, 1, message, args, exc_info)


@pytest.mark.parametrize("formatter", [LineFormatter, JsonFormatter])
def test_token_and_secret_are_redacted_on_one_line(formatter: type[logging.Formatter]) -> None:
    redact = Redactor([TOKEN, SECRET])
    line = formatter(redact).format(  # type: ignore[call-arg]
        _record("calling %s with %s", f"bot{TOKEN}/getMe", SECRET, exc=True)
    )
    assert TOKEN not in line and SECRET not in line and "<token>" in line
    assert "\n" not in line
    assert "RuntimeError" in line  # the traceback is kept, on the same line


def test_json_lines_have_the_event_fields() -> None:
    data = json.loads(JsonFormatter(Redactor()).format(_record("chat %s migrated", -100)))
    assert data["event"] == "chat -100 migrated"
    assert {"ts", "level", "logger"} <= set(data)


def test_short_values_are_not_treated_as_secrets() -> None:
    assert Redactor(["", "abc"])("abc and more") == "abc and more"


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    names = ("httpx", "httpcore", "telegram", "apscheduler", "aiohttp.access")
    saved = root.handlers[:], root.level, {n: logging.getLogger(n).level for n in names}
    yield
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    for name, level in saved[2].items():
        logging.getLogger(name).setLevel(level)


@pytest.mark.usefixtures("restore_logging")
def test_debug_level_keeps_libraries_that_log_content_quiet() -> None:
    configure_logging("DEBUG", json_lines=True, secrets=[TOKEN])
    assert logging.getLogger().level == logging.DEBUG
    assert logging.getLogger("telegram").level == logging.INFO  # whole updates at DEBUG
    assert logging.getLogger("httpx").level == logging.WARNING  # request URLs with the token


def test_telegram_failures_are_labelled_by_kind() -> None:
    assert error_kind(ChatGone("kicked")) == "chat_gone"
    assert error_kind(RetryLater(3)) == "retry_after"
    assert error_kind(tg.BadRequest("chat not found")) == "bad_request"
    assert error_kind(tg.TimedOut()) == "timed_out"
    assert error_kind(tg.NetworkError("boom")) == "network"
    assert error_kind(tg.Forbidden("blocked")) == "forbidden"
    assert error_kind(KeyError("x")) is None
