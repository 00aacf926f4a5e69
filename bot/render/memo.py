"""Remembering rendered texts: a bounded table keyed by the exact values a template was given.

``frozen`` turns a template context into a key that is equal only for values that render
alike: its type goes with every value (``True`` and ``1``, or ``Markup("<b>")`` and
``"<b>"``, compare equal in Python but render differently), a date-time keeps its zone, and
lists and dicts keep their order. Values it cannot vouch for (an ORM row, any object whose
attributes a template may read) raise ``Unhashable``, and the caller renders afresh.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Hashable
from typing import Any

from markupsafe import Markup

_SCALARS = (str, int, float, bool, type(None), dt.date, dt.time, dt.timedelta, enum.Enum)


class Unhashable(Exception):
    """The context holds a value ``frozen`` cannot key."""


def frozen(value: Any) -> Hashable:
    """A hashable key for ``value``, equal only for values a template renders the same."""
    kind = type(value)
    if kind is str or kind is int:  # the common case, as it is: no other key equals them
        return value  # type: ignore[no-any-return]
    if kind is dict:
        return (dict, *[(k, frozen(v)) for k, v in value.items()])
    if kind is list or kind is tuple:
        return (kind, *[frozen(v) for v in value])
    if isinstance(value, Markup):
        return (Markup, str(value))
    if isinstance(value, dt.datetime | dt.time):
        return (kind, value, value.tzinfo)
    if isinstance(value, _SCALARS):
        return (kind, value)
    raise Unhashable(kind.__name__)


class Memo:
    """At most ``size`` texts; when full, the oldest half is forgotten."""

    def __init__(self, size: int = 8192) -> None:
        self.size = size
        self._texts: dict[Hashable, str] = {}

    def get(self, key: Hashable, render: Callable[[], str]) -> str:
        text = self._texts.get(key)
        if text is None:
            text = render()
            if len(self._texts) >= self.size:
                for old in list(self._texts)[: self.size // 2]:
                    del self._texts[old]
            self._texts[key] = text
        return text
