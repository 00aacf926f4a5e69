"""House style of the Chinese texts (#17): Chinese punctuation, no raw codes, one term per thing.

Every zh_CN msgstr is scanned; a failure lists each offending msgid with its translation and the
templates it comes from, so whoever owns those templates can fix it. The templates themselves are
scanned for what the catalog cannot show: a space typed after a message ending in a full-width
colon, and list separators written in the template instead of translated (``_(", ")`` is 、).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import NamedTuple

import pytest
import yaml
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from bot.paths import messages_dir
from bot.render import Renderer

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = messages_dir()
TEMPLATES = MESSAGES / "templates"
ZH_PO = MESSAGES / "locale" / "zh_CN" / "LC_MESSAGES" / "messages.po"
CJK = r"[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff01-\uff60“”‘’]"
ENTITY = re.compile(r"&#?\w+;")  # &lt; and friends end in an ASCII ';' that is not punctuation


class Rule(NamedTuple):
    id: str
    name: str
    pattern: re.Pattern[str]
    advice: str


RULES = (
    Rule(
        "colon-space",
        "space after a full-width colon",
        re.compile(r"：[ \t\u00a0\u3000]"),
        "write “：”+text",
    ),
    Rule(
        "ascii-punctuation",
        "ASCII ; , : next to Chinese",
        re.compile(rf"{CJK}[ \t]*[;,:]|[;,:][ \t]*{CJK}"),
        "use ；，：",
    ),
    Rule("anquanyuan", "安全员 as a term", re.compile(r"(?<!管理)安全员"), "say 安全管理员"),
    Rule("ni", "你", re.compile(r"你"), "say 您"),
    Rule("office", "监管办公室", re.compile(r"监管办公室"), "say 监管部门 (or 安委办)"),
    Rule("huamingce", "花名册", re.compile(r"花名册"), "say 名单, as /join does"),
    Rule(
        "quota-jargon",
        "配额进度",
        re.compile(r"配额进度"),
        "say what is counted, e.g. 规定次数完成",
    ),
    Rule("region-jargon", "地区配置", re.compile(r"地区配置"), "say 适用地区 / 所在地区"),
    Rule("event-jargon", "按需（事件触发）", re.compile(r"按需（事件触发）"), "say 事发时办理"),
    Rule(
        "spot-check", "逢查必考 followed by 抽考", re.compile(r"逢查必考\s*抽考"), "逢查必考 alone"
    ),
    Rule("raw-code", "raw code", re.compile(r"Asia/Shanghai|zh_CN"), "name it: 北京时间, 中文"),
)


class Entry(NamedTuple):
    msgid: str
    msgstr: str
    templates: tuple[str, ...]


@cache
def _sources() -> dict[str, tuple[str, ...]]:
    """msgid -> the templates it is extracted from."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found: dict[str, list[str]] = {}
    for filename, _, message, _, _ in extract_from_dir(str(ROOT), method_map, options_map):
        msgid = message if isinstance(message, str) else message[0]
        found.setdefault(msgid, []).append(filename.removeprefix("messages/templates/"))
    return {k: tuple(dict.fromkeys(v)) for k, v in found.items()}


@cache
def _zh_entries() -> tuple[Entry, ...]:
    with ZH_PO.open("rb") as fh:
        catalog = read_po(fh, locale="zh_CN")
    entries = []
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            if string:
                entries.append(Entry(msgid, string, _sources().get(msgid, ())))
    return tuple(entries)


def _report(title: str, offenders: list[Entry]) -> str:
    lines = [f"{title}: {len(offenders)} message(s)"]
    for e in offenders:
        where = ", ".join(e.templates) or "(not in any template)"
        lines.append(f"  {e.msgid!r}\n    zh: {e.msgstr!r}\n    in: {where}")
    return "\n".join(lines)


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_zh_translations_follow_the_house_style(rule: Rule) -> None:
    offenders = [e for e in _zh_entries() if rule.pattern.search(ENTITY.sub("", e.msgstr))]
    assert not offenders, _report(f"{rule.name} ({rule.advice})", offenders)


def test_translated_separators_are_full_width() -> None:
    """``_(", ")`` and ``_("; ")`` join Chinese lists: 、 and ；, never ASCII."""
    separators = [e for e in _zh_entries() if re.fullmatch(r"[\s,;:.]+", e.msgid)]
    assert separators, "the catalog has list separators"
    offenders = [e for e in separators if re.search(r"[,;:.]", e.msgstr)]
    assert not offenders, _report("ASCII separator in Chinese", offenders)


def _templates() -> Iterator[tuple[str, str]]:
    for path in sorted(TEMPLATES.rglob("*.j2")):
        yield path.relative_to(TEMPLATES).as_posix(), path.read_text(encoding="utf-8")


def test_no_space_is_typed_after_a_message_ending_in_a_full_width_colon() -> None:
    """``{{ _("Regions:") }} {{ list }}`` renders 可选地区： 甲: the list belongs in the msgid."""
    zh = {e.msgid: e.msgstr for e in _zh_entries()}
    call = re.compile(r'\{\{-?\s*_\(\s*"((?:[^"\\]|\\.)*)"[^{}]*\}\} +(?=\S)')
    offenders = [
        f"{name}: {m.group(1)!r} -> {zh[m.group(1)]!r}"
        for name, text in _templates()
        for m in call.finditer(text)
        if zh.get(m.group(1), "").rstrip().endswith("：")
    ]
    assert not offenders, "\n".join(offenders)


def test_templates_translate_their_list_separators() -> None:
    literal = re.compile(r"loop\.last\s*%\}\s*[,;、，；]")
    offenders = [name for name, text in _templates() if literal.search(text)]
    assert not offenders, f"write {{{{ _(', ') }}}} instead of a literal separator: {offenders}"


def test_codes_are_rendered_as_names() -> None:
    renderer = Renderer(MESSAGES)
    zh, en = renderer.env("zh_CN"), renderer.env("en")
    show = '{{ "Asia/Shanghai"|zone }} · {{ "zh_CN"|language_name }} · {{ "en"|language_name }}'
    assert zh.from_string(show).render() == "北京时间 · 中文 · 英语"
    assert en.from_string(show).render() == "Beijing time · Chinese · English"


@pytest.mark.parametrize("script", ["zh_CN", "en"])
def test_demo_people_have_plain_names(script: str) -> None:
    """The demo's people are named like people, not by a role (李安全员 used the wrong term)."""
    demo = yaml.safe_load((MESSAGES / "demo" / f"{script}.yaml").read_text(encoding="utf-8"))
    names = [p["first_name"] for p in demo["people"].values()]
    assert not [n for n in names if re.search(r"安全(管理)?员|officer", n, re.IGNORECASE)], names
    if script == "zh_CN":
        texts = names + [demo["group"]] + [e["text"] for e in demo["events"] if "text" in e]
        broken = [(r.name, t) for t in texts for r in RULES if r.pattern.search(t)]
        assert not broken, broken
