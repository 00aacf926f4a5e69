"""Texts rendered again and again are remembered, keyed by exactly what they were given:
values that look equal to Python but render differently never share a text."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from markupsafe import Markup

from bot.paths import messages_dir
from bot.render import Renderer
from bot.render.memo import Memo, Unhashable, frozen
from bot.telegram.sending import split_text

UTC_NOON = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("<b>x</b>", Markup("<b>x</b>")),  # escaped vs. already HTML
        (1, True),
        (1, 1.0),
        (UTC_NOON, UTC_NOON.astimezone(ZoneInfo("Asia/Shanghai"))),  # same moment, other zone
        ({"a": 1, "b": 2}, {"b": 2, "a": 1}),  # a template may iterate in order
    ],
)
def test_values_that_render_differently_get_different_keys(one: object, other: object) -> None:
    assert one == other or isinstance(one, dict)  # Python calls them equal (or alike)
    assert frozen({"v": one}) != frozen({"v": other})


def test_equal_contexts_share_a_key_and_objects_are_not_keyed() -> None:
    context = {"title": "日管控", "n": 3, "items": [{"a": Markup("<i>x</i>")}]}
    assert frozen(context) == frozen(
        {"title": "日管控", "n": 3, "items": [{"a": Markup("<i>x</i>")}]}
    )
    with pytest.raises(Unhashable):
        frozen({"row": object()})  # a template may read anything off an object: never remembered


def test_a_remembered_text_is_the_text_rendered_for_those_values() -> None:
    renderer = Renderer(messages_dir())

    def given(value: str) -> str:
        return renderer.repeated("zh_CN", "errors/unknown_region", given=value, regions=["hubei"])

    plain, markup = given("<b>A</b>"), given(Markup("<b>A</b>"))  # equal as Python strings
    assert "&lt;b&gt;A&lt;/b&gt;" in plain and "<b>A</b>" in markup
    assert markup == renderer.render(
        "zh_CN", "errors/unknown_region", given=Markup("<b>A</b>"), regions=["hubei"]
    )
    assert given("<b>A</b>") == plain
    assert renderer.text("zh_CN", "buttons/confirm", name="日管控") == "✅ 日管控"


def test_a_context_with_an_object_is_rendered_afresh() -> None:
    renderer = Renderer(messages_dir())
    enterprise = SimpleNamespace(name="甲公司")
    first = renderer.repeated(
        "zh_CN", "office/linked", created=True, enterprise=enterprise, count=1
    )
    enterprise.name = "乙公司"
    again = renderer.repeated(
        "zh_CN", "office/linked", created=True, enterprise=enterprise, count=1
    )
    assert "甲公司" in first and "乙公司" in again


def test_the_memo_stays_bounded() -> None:
    memo = Memo(size=4)
    for n in range(10):
        assert memo.get(n, lambda n=n: f"text {n}") == f"text {n}"  # type: ignore[misc]
    assert len(memo._texts) <= 4 and memo.get(9, lambda: "rendered again") == "text 9"


def test_a_text_that_fits_is_sent_as_it_is_and_a_long_one_is_still_cut() -> None:
    short = "<b>安全提醒汇总</b>\n• 日管控 &amp; 周排查 👷"
    assert split_text(short) == [short]
    long = "\n".join(f"<b>第{n}项</b> 日管控" for n in range(600))
    parts = split_text(long)
    assert len(parts) > 1 and all(p.count("<b>") == p.count("</b>") for p in parts)
