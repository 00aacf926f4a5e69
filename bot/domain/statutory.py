"""Statutory public holidays computed from 《全国年节及纪念日放假办法》, for years without a notice.

The State Council's yearly notice (each November) adds bridge days and the weekend days
worked instead (调休); the statutory days themselves follow from the 办法 and the lunar
calendar, so even before the notice no duty needs to fall due on New Year's Day or in the
Spring Festival. As amended in 2024 (in force 2025-01-01): 元旦 1 day, 春节 4 (除夕 to 初三),
清明 1 (the solar term), 劳动节 2, 端午 1, 中秋 1, 国庆 3. Earlier years: 春节 3 (初一 to 初三),
劳动节 1. Lunar dates and the 清明 solar term come from ``lunar_python``.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from lunar_python import Lunar, Solar

AMENDED_FROM = 2025  # the 2024 amendment of the 办法 applies from 1 January 2025
ONE_DAY = dt.timedelta(days=1)


def _solar(lunar: Lunar) -> dt.date:
    solar = lunar.getSolar()
    return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())


def _span(first: dt.date, days: int) -> list[dt.date]:
    return [first + ONE_DAY * i for i in range(days)]


# lunar_python names the solar terms in a fixed order starting from the 大雪 before the lunar
# year: 大雪, 冬至, 小寒, 大寒, 立春, 雨水, 惊蛰, 春分, 清明 … (清明 is the ninth).
_QINGMING = Lunar.JIE_QI_IN_USE[8]


def qingming(year: int) -> dt.date:
    """The day of the 清明 solar term in ``year`` (4 or 5 April)."""
    term = Solar.fromYmd(year, 4, 1).getLunar().getJieQiTable()[_QINGMING]
    return dt.date(term.getYear(), term.getMonth(), term.getDay())


@lru_cache(maxsize=64)
def statutory_holidays(year: int) -> dict[dt.date, str]:
    """Each statutory day off in ``year`` (Gregorian), mapped to its festival's key.

    Keys: ``new_year``, ``spring``, ``qingming``, ``labour``, ``dragon_boat``, ``mid_autumn``,
    ``national``. 除夕 of a Spring Festival in early February may fall in January: it is the
    day before 正月初一, whichever month that is.
    """
    amended = year >= AMENDED_FROM
    new_year = _solar(Lunar.fromYmd(year, 1, 1))
    spring = _span(new_year - ONE_DAY, 4) if amended else _span(new_year, 3)
    days: dict[dt.date, str] = {dt.date(year, 1, 1): "new_year"}
    days.update(dict.fromkeys(spring, "spring"))
    days[qingming(year)] = "qingming"
    days.update(dict.fromkeys(_span(dt.date(year, 5, 1), 2 if amended else 1), "labour"))
    days[_solar(Lunar.fromYmd(year, 5, 5))] = "dragon_boat"
    days[_solar(Lunar.fromYmd(year, 8, 15))] = "mid_autumn"
    days.update(dict.fromkeys(_span(dt.date(year, 10, 1), 3), "national"))
    return {day: name for day, name in days.items() if day.year == year}
