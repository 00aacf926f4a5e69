"""The desk's filters and pages: 乡镇/街道 and 行业主管部门 (enterprise attributes), page numbers.

Filters narrow the enterprises a session may see, in one query; the attributes are free text
set by an enterprise's admins (``/profile``) or by a linked office on the desk.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass

from sqlmodel import Session, col, select

from bot.store.models import Enterprise

ATTRIBUTES = ("township", "authority")
MAX_ATTRIBUTE = 60
PAGE_SIZE = 50


class BadPage(ValueError):
    """``?page=`` is not a positive whole number."""


class PageGone(LookupError):
    """``?page=`` is past the last page."""


class BadAttribute(ValueError):
    """A township or authority longer than the column holds."""


@dataclass(frozen=True)
class Filters:
    township: str | None = None
    authority: str | None = None

    @property
    def active(self) -> bool:
        return bool(self.township or self.authority)


@dataclass(frozen=True)
class Choices:
    """The values the enterprises in view have, for the filter menus."""

    townships: list[str]
    authorities: list[str]


@dataclass(frozen=True)
class PageInfo:
    number: int
    size: int
    total: int  # items in all pages

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def page_number(text: str | None) -> int:
    """``?page=`` as a number (absent: 1); BadPage unless a positive whole number."""
    if text is None or text == "":
        return 1
    if not text.isascii() or not text.isdigit() or len(text) > 9 or int(text) < 1:
        raise BadPage(text)
    return int(text)


def page(number: int, total: int, size: int = PAGE_SIZE) -> PageInfo:
    """The page ``number`` of ``total`` items; PageGone past the last (page 1 always exists)."""
    info = PageInfo(number, size, total)
    if number > info.pages:
        raise PageGone(number)
    return info


def clean(text: str | None) -> str | None:
    """An attribute as stored: inner whitespace collapsed, empty meaning none."""
    value = " ".join((text or "").split())
    if len(value) > MAX_ATTRIBUTE:
        raise BadAttribute(value)
    return value or None


def narrow(session: Session, ids: Collection[int], filters: Filters) -> list[int]:
    """The enterprises among ``ids`` that match ``filters`` (all of them without filters)."""
    if not filters.active or not ids:
        return sorted(ids)
    query = select(Enterprise.id).where(col(Enterprise.id).in_(list(ids)))
    if filters.township:
        query = query.where(Enterprise.township == filters.township)
    if filters.authority:
        query = query.where(Enterprise.authority == filters.authority)
    return sorted(i for i in session.exec(query).all() if i is not None)


def choices(session: Session, ids: Collection[int]) -> Choices:
    """Every township and authority set among ``ids``, sorted, for the filter menus."""
    if not ids:
        return Choices([], [])
    rows = session.exec(
        select(Enterprise.township, Enterprise.authority).where(col(Enterprise.id).in_(list(ids)))
    ).all()
    return Choices(
        sorted({t for t, _ in rows if t}),
        sorted({a for _, a in rows if a}),
    )


def set_attributes(
    session: Session, enterprise_id: int, *, township: str | None, authority: str | None
) -> Enterprise:
    """Store both attributes (cleaned; BadAttribute when too long) and commit."""
    enterprise = session.get(Enterprise, enterprise_id)
    if enterprise is None:
        raise LookupError(enterprise_id)
    enterprise.township, enterprise.authority = clean(township), clean(authority)
    session.add(enterprise)
    session.commit()
    return enterprise


def set_attribute(session: Session, enterprise_id: int, name: str, text: str | None) -> Enterprise:
    """Store one attribute (``township`` or ``authority``; cleaned, BadAttribute when too
    long, empty clears it) and commit; ``/profile`` in the enterprise's group."""
    enterprise = session.get(Enterprise, enterprise_id)
    if enterprise is None or name not in ATTRIBUTES:
        raise LookupError(enterprise_id)
    setattr(enterprise, name, clean(text))
    session.add(enterprise)
    session.commit()
    return enterprise
