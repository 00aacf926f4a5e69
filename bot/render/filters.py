"""Jinja2 filters for dates, times, durations and numbers, formatted by Babel per locale.

Date patterns are themselves translatable messages (``"EEEE, d MMMM y"`` becomes
``"y年M月d日 EEEE"`` in zh_CN), so each language's conventions live in its catalog.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_timedelta, get_timezone_name
from babel.numbers import format_decimal, format_percent
from babel.support import Translations
from jinja2 import Environment

Gettext = Callable[[str], str]
BEIJING = "Asia/Shanghai"


@functools.cache
def _babel_locale(locale: str) -> Locale:
    """Parsed once: Babel otherwise normalizes the name on every call (bench/findings.md)."""
    return Locale.parse("en_GB" if locale == "en" else locale)


def format_full_date(value: dt.date, locale: str, gettext: Gettext) -> str:
    return format_date(value, gettext("EEEE, d MMMM y"), locale=_babel_locale(locale))


def register(env: Environment, locale: str, translations: Translations) -> None:
    """Install the filters of ``locale`` on ``env``."""
    gettext: Gettext = translations.gettext
    babel_locale = _babel_locale(locale)

    def local(value: dt.datetime, tz: str | None = None) -> dt.datetime:
        return value.astimezone(ZoneInfo(tz)) if tz else value

    def date_filter(value: dt.date | dt.datetime, tz: str | None = None) -> str:
        if isinstance(value, dt.datetime):
            value = local(value, tz).date()
        return format_full_date(value, locale, gettext)

    def short_date(value: dt.date | dt.datetime, tz: str | None = None) -> str:
        if isinstance(value, dt.datetime):
            value = local(value, tz).date()
        return format_date(value, gettext("d MMM"), locale=babel_locale)

    def datetime_filter(value: dt.datetime, tz: str | None = None) -> str:
        return format_datetime(local(value, tz), gettext("d MMM y HH:mm"), locale=babel_locale)

    def time_filter(value: dt.datetime, tz: str | None = None) -> str:
        return format_datetime(local(value, tz), "HH:mm", locale=babel_locale)

    def local_time(value: dt.datetime, tz: str) -> str:
        """``2026-12-24 09:00``: a moment as the clock on the wall in ``tz`` shows it."""
        return local(value, tz).strftime("%Y-%m-%d %H:%M")

    def zone(tz: str) -> str:
        """A time zone as people call it: 北京时间 for Asia/Shanghai, else Babel's name."""
        if tz == BEIJING:
            return gettext("Beijing time")
        return get_timezone_name(ZoneInfo(tz), locale=babel_locale)

    def language_name(code: str) -> str:
        """A language as the reader calls it (中文, English), never its code (zh_CN)."""
        return Locale.parse(code.replace("-", "_")).get_language_name(babel_locale) or code

    def duration(value: dt.timedelta | float) -> str:
        delta = value if isinstance(value, dt.timedelta) else dt.timedelta(seconds=value)
        return format_timedelta(delta, threshold=1.5, locale=babel_locale)

    def number(value: float, digits: int = 0) -> str:
        return format_decimal(
            value, format=f"#,##0.{'0' * digits}" if digits else "#,##0", locale=babel_locale
        )

    def percent(value: float) -> str:
        return format_percent(value, format="#,##0%", locale=babel_locale)

    filters: dict[str, Any] = {
        "date": date_filter,
        "short_date": short_date,
        "datetime": datetime_filter,
        "time": time_filter,
        "local_time": local_time,
        "zone": zone,
        "language_name": language_name,
        "duration": duration,
        "number": number,
        "percent": percent,
    }
    env.filters.update(filters)
    env.globals["locale"] = locale
