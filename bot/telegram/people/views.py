"""What the people's-records messages show: a certificate as a line of the template, the
roster's people as buttons, a kind or category found by a button's index or a typed name."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any, Protocol, TypeVar

from telegram import InlineKeyboardButton, Update

from bot.catalog.people_models import CertificateKind
from bot.domain.certificate import Dates, Standing
from bot.i18n import LocalizedText
from bot.telegram.common import Context, chat_locale
from bot.telegram.people import access
from bot.telegram.people.callbacks import Page, Pick, Plain

COLUMNS = 2
PAGE = 30  # people a page of buttons (Telegram allows 100 buttons under a message)


class _Named(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def name(self) -> LocalizedText: ...


N = TypeVar("N", bound=_Named)


def find(items: Sequence[N], given: int | str, locale: str) -> N | None:
    """The item at index ``given`` (a button), or whose id or name is the text ``given``."""
    if isinstance(given, int):
        return items[given] if 0 <= given < len(items) else None
    text = "".join(given.split()).lower()
    for item in items:
        names = {item.id, item.name.get(locale), item.name.zh_CN, item.name.en}
        if text in {"".join(n.split()).lower() for n in names}:
            return item
    return None


def picker(
    context: Context,
    update: Update,
    key: str,
    enterprise_id: int,
    roster: Sequence[tuple[int, str]],
    *,
    page: int = 0,
    chosen: Collection[int] = (),
) -> list[list[InlineKeyboardButton]]:
    """The roster's (person id, name) as buttons carrying ``pp:<key>:<person>``, ``COLUMNS``
    a row and ``PAGE`` a page (✅ on ``chosen``), ◀ ▶ to page, then the picker's own last row:
    someone without Telegram (``p``) or done (``t``)."""
    pages = max(1, -(-len(roster) // PAGE))
    page = min(max(page, 0), pages - 1)
    buttons = [
        access.button(context, update, Pick(key, i), "person", name=name, chosen=i in chosen)
        for i, name in roster[page * PAGE : (page + 1) * PAGE]
    ]
    rows = [buttons[i : i + COLUMNS] for i in range(0, len(buttons), COLUMNS)]
    turns = [
        access.button(
            context, update, Page(key, enterprise_id, to), action, page=to + 1, pages=pages
        )
        for to, action in ((page - 1, "previous"), (page + 1, "next"))
        if 0 <= to < pages
    ]
    rows += [turns] if turns else []
    if key == "p":
        rows.append([access.button(context, update, Plain("n"), "someone_new")])
    elif key == "t":
        rows.append([access.button(context, update, Plain("d"), "done")])
    return rows


def certificate_line(
    context: Context,
    update: Update,
    kind: CertificateKind | None,
    category: str | None,
    number: str | None,
    issued_on: dt.date,
    dates: Dates,
    where: Standing | None,
) -> dict[str, Any]:
    """One certificate for a template: names in the reader's language; ``number`` None when
    the reader may not see it; ``standing`` None before it is saved."""
    locale = chat_locale(context, update)
    found = kind.category(category) if kind is not None and category else None
    return {
        "kind": kind.name.get(locale) if kind is not None else "",
        "category": found.name.get(locale) if found is not None else None,
        "number": number,
        "issued_on": issued_on,
        "expires_on": dates.expires_on,
        "review_due_on": dates.review_due_on,
        "standing": where.value if where is not None else None,
    }
