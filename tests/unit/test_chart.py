"""Charts draw Chinese on a fresh install: the font comes with the package (issue 14, item 11)."""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import pylopdf_fonts_zh_cn
from matplotlib import font_manager

from bot.catalog import load_catalog
from bot.paths import messages_dir
from bot.render import Renderer
from bot.reports.chart import chart_font, cjk_font_path, render_chart
from bot.reports.figures import Counts, EnterpriseLine, StatsReport
from bot.reports.labels import load_labels
from bot.reports.period import Period
from tests.conftest import local


def _report(names: list[str]) -> StatsReport:
    lines = [
        EnterpriseLine(i, name, "hazardous_chemicals", Counts(done=i + 1, due=1, overdue=2))
        for i, name in enumerate(names)
    ]
    return StatsReport(
        period=Period(dt.date(2026, 11, 11), dt.date(2026, 12, 10)),
        now=local(2026, 12, 10),
        enterprises=lines,
        obligations={"leader-inspection": Counts(done=1, overdue=1)},
        overdue=[],
        overdue_groups=0,
        totals=Counts(done=3, due=2, overdue=4),
        awareness=None,
        drills=None,
    )


def test_the_packaged_noto_sans_sc_is_the_chart_font() -> None:
    path = cjk_font_path()
    assert path is not None
    assert Path(path) == pylopdf_fonts_zh_cn.sans_path()
    font = chart_font()
    assert font is not None and font.get_family()[0] == "Noto Sans SC"
    assert font_manager.findfont(font, fallback_to_default=False) == path


def test_a_chart_with_chinese_labels_renders_without_missing_glyphs() -> None:
    period = Period(dt.date(2026, 11, 11), dt.date(2026, 12, 10))
    labels = load_labels(Renderer(messages_dir()), load_catalog(), "zh_CN", period)
    for report in (
        _report(["甲化工有限公司", "乙矿业（集团）", "丙烟花爆竹厂"]),
        _report(["丁冶金"]),
    ):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            png = render_chart(report, labels)
        assert png.startswith(b"\x89PNG")
        assert [str(w.message) for w in caught] == []  # matplotlib warns "Glyph … missing"
