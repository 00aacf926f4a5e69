"""A PNG bar chart of completion, with a CJK font so Chinese labels are not boxes.

Drawn with matplotlib's object API (``Figure`` + Agg canvas, no pyplot global state), so
it is safe to render in a worker thread. The font is Noto Sans SC from the
``pylopdf-fonts-zh-cn`` dependency, registered with matplotlib when the first chart is drawn,
so a plain ``pip install`` needs no system fonts. Without it, the fonts ``fonts-noto-cjk`` and
friends install are looked up by family (and the usual directories scanned if matplotlib's
font cache predates them).
"""

from __future__ import annotations

import io
import logging
from functools import lru_cache
from pathlib import Path

from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font

from bot.reports.figures import Counts, StatsReport
from bot.reports.labels import Labels

log = logging.getLogger(__name__)

CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Droid Sans Fallback",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
)
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", str(Path.home() / ".fonts"))
FONT_PATTERNS = ("*CJK*.tt[cf]", "*CJK*.otf", "wqy*.tt[cf]", "DroidSansFallback*.ttf")
PROBE = "安全生产企业完成率逾期"  # i18n: a glyph probe, not text; every chart label needs these
MAX_BARS = 40
COLORS = {"done": "#2e7d32", "due": "#f9a825", "overdue": "#c62828"}


def has_glyphs(path: str | Path, text: str = PROBE) -> bool:
    """Whether the font file maps every character of ``text`` to a glyph (index 0 = missing)."""
    font = FT2Font(str(path))
    return all(font.get_char_index(ord(ch)) != 0 for ch in text)


def _by_family() -> str | None:
    for family in CJK_FAMILIES:
        try:
            path = font_manager.findfont(
                font_manager.FontProperties(family=family), fallback_to_default=False
            )
        except ValueError:
            continue
        if has_glyphs(path):
            return str(path)
    return None


def _packaged() -> str | None:
    """Noto Sans SC as the ``pylopdf-fonts-zh-cn`` dependency ships it, or None if it is absent."""
    try:
        from pylopdf_fonts_zh_cn import sans_path
    except ImportError:
        return None
    path = sans_path()
    return str(path) if path.is_file() and has_glyphs(path) else None


@lru_cache(maxsize=1)
def cjk_font_path() -> str | None:
    """A font file with CJK glyphs, registered with matplotlib; None if there is none (then
    Chinese labels would render as boxes)."""
    packaged = _packaged()
    if packaged is not None:
        font_manager.fontManager.addfont(packaged)
        return packaged
    found = _by_family()
    if found is None:
        for directory in FONT_DIRS:
            for pattern in FONT_PATTERNS:
                for path in sorted(Path(directory).rglob(pattern)):
                    font_manager.fontManager.addfont(str(path))
        found = _by_family()
    if found is None:
        log.warning(
            "no CJK font found: reinstall the package (it depends on pylopdf-fonts-zh-cn) or"
            " install fonts-noto-cjk so chart labels are readable"
        )
    return found


def chart_font() -> font_manager.FontProperties | None:
    """The CJK font first, DejaVu Sans (matplotlib's own) for any glyph it lacks."""
    path = cjk_font_path()
    if path is None:
        return None
    return font_manager.FontProperties(family=[FT2Font(path).family_name, "DejaVu Sans"])


def _bars(report: StatsReport, labels: Labels) -> tuple[str, list[tuple[str, Counts]]]:
    """Per enterprise when there are several (worst MAX_BARS), else per obligation."""
    if len(report.enterprises) > 1:
        lines = report.enterprises[-MAX_BARS:]  # ranked best first: keep the tail
        return labels["chart_title"], [(e.name, e.counts) for e in lines]
    items = sorted(report.obligations.items(), key=lambda kv: (kv[1].completion or 0.0, kv[0]))
    bars = [(labels.title(o), c) for o, c in items[:MAX_BARS]]
    return labels["chart_title_obligation"], bars


def render_chart(report: StatsReport, labels: Labels) -> bytes:
    """Stacked horizontal bars (done / in progress / overdue) with the completion rate."""
    title, bars = _bars(report, labels)
    font = chart_font()
    fig = Figure(figsize=(9, max(2.5, 0.42 * len(bars) + 1.4)), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    rows = list(range(len(bars)))  # positions, not names: two enterprises may share a name
    left = [0] * len(bars)
    for key in ("done", "due", "overdue"):
        values = [getattr(counts, key) for _, counts in bars]
        ax.barh(rows, values, left=left, color=COLORS[key], label=labels[key])
        left = [a + b for a, b in zip(left, values, strict=True)]
    for y, (_, counts) in enumerate(bars):
        if counts.completion is not None:
            ax.text(left[y], y, f" {counts.completion:.0%}", va="center", fontsize=8)
    ax.set_yticks(rows, [name for name, _ in bars], fontproperties=font)
    ax.set_xlim(0, max(max(left, default=0) * 1.12, 1))  # room for the percentages
    ax.invert_yaxis()
    ax.set_title(title, fontproperties=font)
    ax.set_xlabel(labels["chart_axis"], fontproperties=font)
    ax.spines[["top", "right"]].set_visible(False)
    if bars:
        ax.legend(prop=font, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    else:
        ax.text(
            0.5,
            0.5,
            labels["chart_empty"],
            ha="center",
            va="center",
            transform=ax.transAxes,
            fontproperties=font,
        )
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()
