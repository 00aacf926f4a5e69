"""Geometry of the desk's server-rendered SVG charts; the templates draw it and add the words.

A donut of duty states, stacked columns (completion week by week, the completion histogram)
and bars (the ranking): numbers in, coordinates out, in a fixed view box the CSS scales.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

DONUT_R = 45.0  # outer radius in a 100×100 view box
DONUT_INNER = 29.0


@dataclass(frozen=True)
class Arc:
    key: str
    value: int
    share: float
    path: str  # SVG path data of the ring segment; empty when the value is 0


def _point(cx: float, cy: float, r: float, turn: float) -> tuple[float, float]:
    angle = 2 * math.pi * turn - math.pi / 2  # clockwise from twelve o'clock
    return cx + r * math.cos(angle), cy + r * math.sin(angle)


def _ring(start: float, end: float, cx: float = 50, cy: float = 50) -> str:
    """A ring segment from ``start`` to ``end`` (fractions of a turn)."""
    if end - start >= 0.9999:  # a full ring: two half segments (one arc cannot close)
        return _ring(0.0, 0.5, cx, cy) + " " + _ring(0.5, 1.0, cx, cy)
    large = 1 if end - start > 0.5 else 0
    x1, y1 = _point(cx, cy, DONUT_R, start)
    x2, y2 = _point(cx, cy, DONUT_R, end)
    x3, y3 = _point(cx, cy, DONUT_INNER, end)
    x4, y4 = _point(cx, cy, DONUT_INNER, start)
    return (
        f"M{x1:.2f},{y1:.2f} A{DONUT_R},{DONUT_R} 0 {large} 1 {x2:.2f},{y2:.2f} "
        f"L{x3:.2f},{y3:.2f} A{DONUT_INNER},{DONUT_INNER} 0 {large} 0 {x4:.2f},{y4:.2f} Z"
    )


def donut(parts: Sequence[tuple[str, int]]) -> list[Arc]:
    """Ring segments for ``(key, value)`` parts, clockwise from the top; empty if all are 0."""
    total = sum(value for _, value in parts)
    if total <= 0:
        return []
    arcs, turn = [], 0.0
    for key, value in parts:
        share = value / total
        arcs.append(Arc(key, value, share, _ring(turn, turn + share) if value else ""))
        turn += share
    return arcs


@dataclass(frozen=True)
class Segment:
    key: str
    value: int
    y: float
    height: float


@dataclass(frozen=True)
class Column:
    index: int
    x: float
    width: float
    total: int
    segments: list[Segment]


@dataclass(frozen=True)
class Columns:
    columns: list[Column]
    width: float
    height: float
    top: int  # the value at the top of the scale
    ticks: list[tuple[int, float]]  # (value, y)


def nice_top(largest: int) -> int:
    """A round scale top at or above ``largest`` (1, 2, 5 × 10ⁿ)."""
    if largest <= 0:
        return 1
    power = int(10 ** math.floor(math.log10(largest)))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= largest)


def stacked_columns(
    series: Sequence[Sequence[int]],
    keys: Sequence[str],
    *,
    width: float = 600,
    height: float = 160,
    gap: float = 0.25,
) -> Columns:
    """One column per item of ``series`` (values stacked bottom up in ``keys`` order)."""
    top = nice_top(max((sum(values) for values in series), default=0))
    slot = width / max(len(series), 1)
    columns = []
    for index, values in enumerate(series):
        y, segments = height, []
        for key, value in zip(keys, values, strict=True):
            h = height * value / top
            y -= h
            if value:
                segments.append(Segment(key, value, round(y, 2), round(h, 2)))
        columns.append(
            Column(index, round(index * slot + slot * gap / 2, 2), round(slot * (1 - gap), 2),
                   sum(values), segments)
        )  # fmt: skip
    steps = next(n for n in (4, 5, 2, 1) if top % n == 0)  # whole numbers on the scale
    ticks = [(top * i // steps, round(height - height * i / steps, 2)) for i in range(steps + 1)]
    return Columns(columns, width, height, top, ticks)


@dataclass(frozen=True)
class Bar:
    index: int
    share: float | None  # 0..1; None: no data
    y: float
    length: float  # of the bar, in the view box's width


def bars(shares: Sequence[float | None], *, width: float = 100, row: float = 10) -> list[Bar]:
    """Horizontal bars for shares of one (the ranking's completion), one row each."""
    return [
        Bar(i, share, i * row, round(width * (share or 0.0), 2)) for i, share in enumerate(shares)
    ]
