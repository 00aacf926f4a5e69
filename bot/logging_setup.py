"""Structured logging: one line per event, optional JSON, the bot token never printed.

Redaction happens on the finished line (message, arguments and traceback alike): anything
shaped like a bot token, plus the exact secrets the process was given (token, webhook
secret). Tracebacks stay on the event's line (newlines escaped) so log shippers never split
an event. What is logged about people is ids only; handlers never log message text.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable

_TOKEN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")
REDACTED = "<token>"


class Redactor:
    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets = sorted({s for s in secrets if len(s) >= 8}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return _TOKEN.sub(REDACTED, text)


class RedactTokens(logging.Filter):
    """Replace anything shaped like a bot token (it appears in request URLs) with a marker."""

    def __init__(self, redact: Redactor | None = None) -> None:
        super().__init__()
        self.redact = redact or Redactor()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = self.redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        return True


class LineFormatter(logging.Formatter):
    """``time level logger: message``, traceback appended on the same line."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.redact = redact

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(super().format(record)).replace("\n", "\\n")


class JsonFormatter(logging.Formatter):
    def __init__(self, redact: Redactor | None = None) -> None:
        super().__init__()
        self.redact = redact or Redactor()

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "event": self.redact(record.getMessage()),
        }
        if record.exc_info:
            data["exc"] = self.redact(self.formatException(record.exc_info))
        return json.dumps(data, ensure_ascii=False)


def configure_logging(
    level: str = "INFO", *, json_lines: bool = False, secrets: Iterable[str] = ()
) -> None:
    redact = Redactor(secrets)
    handler = logging.StreamHandler()
    handler.addFilter(RedactTokens(redact))
    handler.setFormatter(JsonFormatter(redact) if json_lines else LineFormatter(redact))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # logs every request URL, token included
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)  # no per-request lines
    # PTB's DEBUG lines carry whole updates and request parameters (people's message text):
    # even LOG_LEVEL=DEBUG keeps it at INFO.
    logging.getLogger("telegram").setLevel(max(logging.INFO, root.level))
