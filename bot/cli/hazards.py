"""``safetybot hazards``: the hazard register (隐患台账) at the terminal, or as JSON.

``--chat`` narrows it to what that chat sees (an enterprise group: its own hazards; an office
chat: those of its linked enterprises); ``--status`` to open, overdue or closed ones (closed
includes those closed as invalid). The table uses the workbook's words (``reports/labels``)
in ``BOT_LOCALE``, times in each enterprise's local time; ``--json`` gives times in UTC.
An anonymous report's reporter is named nowhere here.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from bot.bootstrap import build_context
from bot.cli.inputs import check_database
from bot.clock import Clock
from bot.config import Settings
from bot.console import CliError, Console
from bot.domain.hazard import overdue
from bot.reports.labels import parse_labels
from bot.services.hazards.queries import FILTERS, local_today, register
from bot.services.office import linking as offices
from bot.store.hazard_models import Hazard
from bot.store.models import Enterprise

DESCRIPTION_SHOWN = 40  # characters of a description in the table


def parse_chat(value: str | None) -> int | None:
    """``--chat``: a Telegram chat id (a whole number, negative for groups)."""
    if value is None:
        return None
    try:
        return int(value.strip())
    except ValueError:
        raise CliError("cli/bad_chat", value=value) from None


def parse_status(value: str | None) -> str | None:
    """``--status``: one of :data:`FILTERS`."""
    if value is None or value.strip().lower() in FILTERS:
        return value.strip().lower() if value else None
    raise CliError("cli/bad_status", value=value, valid=", ".join(FILTERS))


def _enterprise_ids(session: Session, chat_id: int | None) -> list[int] | None:
    """The enterprises ``chat_id`` sees; None: every enterprise (no ``--chat``)."""
    if chat_id is None:
        return None
    office = offices.office_for_chat(session, chat_id)
    if office is not None and office.id is not None:
        return offices.enterprise_ids(session, office.id)
    found = session.exec(select(Enterprise.id).where(Enterprise.chat_id == chat_id)).first()
    if found is None:
        raise CliError("cli/unknown_chat", value=chat_id)
    return [found]


def _utc(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat() if value else None


def as_json(hazard: Hazard, enterprise: Enterprise, now: dt.datetime) -> dict[str, Any]:
    """One hazard for ``--json``: times in UTC, the deadline an ISO date (local last day)."""
    return {
        "id": hazard.id,
        "chat_id": enterprise.chat_id,
        "enterprise": enterprise.name,
        "number": hazard.number,
        "grade": hazard.grade,
        "status": hazard.status,
        "overdue": overdue(hazard.status, hazard.deadline, local_today(enterprise, now)),
        "reported_at": _utc(hazard.reported_at),
        "deadline": hazard.deadline.isoformat() if hazard.deadline else None,
        "rectified_at": _utc(hazard.rectified_at),
        "closed_at": _utc(hazard.closed_at),
        "standard_item": hazard.standard_item,
        "description": hazard.description,
        "location": hazard.location,
        "anonymous": hazard.anonymous,
        "responsible": hazard.responsible_name,
    }


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _printable(text: str) -> str:
    """People's text without control characters (a terminal escape must not reach the screen)."""
    return "".join(c for c in text if unicodedata.category(c)[0] != "C")


def table(
    rows: Sequence[tuple[Hazard, Enterprise]], words: dict[str, str], now: dt.datetime
) -> str:
    """The register as aligned columns (CJK characters count double), the description last."""
    keys = ["hz_index", "enterprise", "hz_found_at", "hz_grade", "state", "hz_deadline"]
    lines = [[words[k] for k in keys] + [words["hz_responsible"], words["hz_description"]]]
    for h, e in rows:
        late = overdue(h.status, h.deadline, local_today(e, now))
        text = _printable(h.description)
        if len(text) > DESCRIPTION_SHOWN:
            text = text[: DESCRIPTION_SHOWN - 1] + "…"
        lines.append(
            [
                f"#{h.number}",
                _printable(e.name),
                h.reported_at.astimezone(ZoneInfo(e.timezone)).strftime("%Y-%m-%d"),
                words[f"hz_grade_{h.grade}"] if h.grade else words["hz_ungraded"],
                words["hz_state_overdue" if late else f"hz_state_{h.status}"],
                h.deadline.isoformat() if h.deadline else "—",
                _printable(h.responsible_name or "—"),
                text,
            ]
        )
    widths = [max(_width(line[i]) for line in lines) for i in range(len(lines[0]) - 1)]
    return "\n".join(
        "  ".join([*(_pad(c, w) for c, w in zip(line, widths, strict=False)), line[-1]])
        for line in lines
    )


def run_hazards(
    settings: Settings,
    console: Console,
    *,
    chat: str | None,
    status: str | None,
    json_output: bool,
    clock: Clock | None = None,
) -> int:
    """Print the register; bad ``--chat``/``--status`` are CliErrors (exit status 2)."""
    chat_id, wanted = parse_chat(chat), parse_status(status)
    check_database(settings.database_url)
    ctx = build_context(settings, clock)
    now = ctx.clock.now()
    try:
        with ctx.session() as session:
            ids = _enterprise_ids(session, chat_id)
            rows = register(session, enterprise_ids=ids, status=wanted, now=now)
    finally:
        ctx.engine.dispose()
    if json_output:
        data = [as_json(h, e, now) for h, e in rows]
        print(json.dumps(data, ensure_ascii=False, indent=2), file=console.out)
        return 0
    console.say("cli/hazards", count=len(rows), status=wanted or "")
    if rows:
        words = parse_labels(console.lines("reports/labels", start="", end=""))
        print(table(rows, words, now), file=console.out)
    return 0
