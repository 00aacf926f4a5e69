"""``safetybot people``: each person's certificates and this year's training hours, at the
terminal or as JSON.

``--chat`` narrows it to what that chat sees (an enterprise group: its own people; an office
chat: those of its linked enterprises). Certificate numbers are the operator's to see, except
through an office chat, which sees those of enterprises that share them (``number`` is null
otherwise). Words come from the workbook's labels (``reports/labels``) in ``BOT_LOCALE``; the
year and the standing of each certificate are those of each enterprise's local today.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

from sqlmodel import Session, col, select

from bot.bootstrap import build_context
from bot.catalog.people import PeopleRules
from bot.cli.hazards import parse_chat
from bot.cli.inputs import check_database
from bot.clock import Clock
from bot.config import Settings
from bot.console import CliError, Console
from bot.reports.labels import parse_labels
from bot.services.office import linking as offices
from bot.services.people.ledger import PersonLedger
from bot.services.people.overview import kind_names, ledgers, local_today
from bot.store.models import Enterprise


def _enterprises(session: Session, chat_id: int | None) -> tuple[list[Enterprise], bool]:
    """The enterprises ``chat_id`` sees (every one without ``--chat``), and whether the chat is
    an office's."""
    query = select(Enterprise).order_by(col(Enterprise.name), col(Enterprise.id))
    if chat_id is None:
        return list(session.exec(query).all()), False
    office = offices.office_for_chat(session, chat_id)
    if office is not None and office.id is not None:
        ids = offices.enterprise_ids(session, office.id)
        return list(session.exec(query.where(col(Enterprise.id).in_(ids))).all()), True
    found = session.exec(query.where(Enterprise.chat_id == chat_id)).all()
    if not found:
        raise CliError("cli/unknown_chat", value=chat_id)
    return list(found), False


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def as_json(
    person: PersonLedger, enterprise: Enterprise, *, year: int, numbers: bool
) -> dict[str, Any]:
    """One person for ``--json``: dates ISO (local days), hours of ``year``."""
    h = person.hours
    return {
        "name": person.name,
        "enterprise": enterprise.name,
        "chat_id": enterprise.chat_id,
        "role": person.role,
        "user_id": person.user_id,
        "certificates": [
            {
                "kind": c.kind,
                "category": c.category,
                "number": c.number if numbers else None,
                "issued_on": _iso(c.issued_on),
                "expires_on": _iso(c.expires_on),
                "review_due_on": _iso(c.review_due_on),
                "standing": c.standing.value,
            }
            for c in person.certificates
        ],
        "year": year,
        "training_hours": h.total,
        "training_by_category": dict(h.by_category),
        "training_required": h.new_required + h.annual_required,
        "training_missing": h.missing,
        "stands_down": bool(person.stands_down),
    }


def _printable(text: str) -> str:
    """People's text without control characters (a terminal escape must not reach the screen)."""
    return "".join(c for c in text if unicodedata.category(c)[0] != "C")


def _hours(value: float) -> str:
    return f"{value:g}"


def lines(
    rows: list[tuple[PersonLedger, Enterprise]], rules: PeopleRules, words: dict[str, str],
    locale: str,
) -> list[str]:  # fmt: skip
    """A line per person (enterprise, name, post, hours), then a line per certificate."""
    found = []
    for p, e in rows:
        h = p.hours
        hours = f"{words['tr_total']} {_hours(h.total)}"
        if h.missing:
            hours += f" · {words['tr_missing']} {_hours(h.missing)}"
        found.append(f"{e.name}  {p.name}  {words[f'pc_role_{p.role}']}  {hours}")
        for c in p.certificates:
            due = (("pc_expires_on", c.expires_on), ("pc_review_due_on", c.review_due_on))
            dates = [f"{words[key]} {day.isoformat()}" for key, day in due if day is not None]
            label = " · ".join(n for n in kind_names(rules, c.kind, c.category, locale) if n)
            state = words[f"pc_state_{c.standing.value}"]
            found.append("    " + "  ".join([label, *dates, state]))
    return found


def run_people(
    settings: Settings,
    console: Console,
    *,
    chat: str | None,
    json_output: bool,
    clock: Clock | None = None,
) -> int:
    """Print the people; a bad or unknown ``--chat`` is a CliError (exit status 2)."""
    chat_id = parse_chat(chat)
    check_database(settings.database_url)
    ctx = build_context(settings, clock)
    now = ctx.clock.now()
    try:
        with ctx.session() as session:
            enterprises, office = _enterprises(session, chat_id)
            read = ledgers(session, ctx.people_rules, enterprises, now=now)
    finally:
        ctx.engine.dispose()
    rows = [(p, e) for e in enterprises for p in read[e.id or 0]]
    if json_output:
        data = [
            as_json(p, e, year=local_today(e, now).year, numbers=not office or e.share_certificates)
            for p, e in rows
        ]
        print(json.dumps(data, ensure_ascii=False, indent=2), file=console.out)
        return 0
    console.say("cli/people", count=len(rows))
    if rows:
        words = parse_labels(console.lines("reports/labels", start="", end=""))
        text = lines(rows, ctx.people_rules, words, console.locale)
        print("\n".join(_printable(line) for line in text), file=console.out)
    return 0
