"""The shipped 重大事故隐患判定标准 load and say what the published texts say; a malformed
standard file is reported with its file, line and field."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from bot.catalog.hazard_standards import (
    STANDARDS_DIR,
    check_hazard_standards,
    load_hazard_standards,
)
from bot.datafile import DataFileError
from bot.paths import schedules_dir

TODAY = dt.date(2026, 12, 3)

SHIPPED = {
    "gongmao-2023": 25,
    "chemicals-2017": 20,
    "fireworks-2017": 20,
    "city-gas-2023": 12,
    "construction-2022": 15,
    "nonmetal-mines-2022": 18,
    "coal-mines-2020": 15,
    "fire-gb35181-2017": 5,
}


def test_shipped_standards_are_valid_and_complete_as_documented() -> None:
    assert check_hazard_standards() == []
    standards = load_hazard_standards()
    assert {k: len(s.items) for k, s in standards.standards.items()} == SHIPPED
    assert standards.item_count == sum(SHIPPED.values())
    for standard in standards.standards.values():
        assert standard.partial == (len(standard.items) != standard.published_items)
        for item in standard.items:
            assert item.checked, item.clause


@pytest.mark.parametrize(
    ("ref", "says"),
    [
        (
            "gongmao-2023#第三条（二）",
            "特种作业人员未按照规定经专门的安全作业培训并取得相应资格，上岗作业的",
        ),
        ("gongmao-2023#第十一条（三）", "干式除尘系统未采取泄爆、惰化、抑爆等任一种爆炸防控措施的"),
        ("gongmao-2023#第十二条（二）", "快速冻结装置作业间内作业人员数量超过9人的"),
        (
            "gongmao-2023#第十三条（一）",
            "未对有限空间进行辨识、建立安全管理台账，并且未设置明显的安全警示标志的",
        ),
        ("chemicals-2017#七", "充装未使用万向管道充装系统"),
        ("fireworks-2017#五", "工（库）房实际滞留、存储药量超过核定药量"),
        ("city-gas-2023#第四条（五）", "未建立对燃气用户燃气设施的定期安全检查制度"),
        ("coal-mines-2020#第三条（二）", "瓦斯超限作业"),
        ("nonmetal-mines-2022#一（一）1", "矿井直达地面的独立安全出口少于2个，或者与设计不一致"),
        ("construction-2022#第十一条（二）", "有限空间作业时现场未有专人负责监护工作"),
        ("fire-gb35181-2017#6.4", "甲、乙类生产场所和仓库设置在建筑的地下室或半地下室"),
    ],
)
def test_spot_checked_items_say_what_the_standard_says(ref: str, says: str) -> None:
    found = load_hazard_standards().find_item(ref)
    assert found is not None, ref
    assert says in found[1].text.zh_CN


def test_standards_and_items_offered_to_a_sector() -> None:
    standards = load_hazard_standards()
    assert [s.id for s in standards.for_sector("hazardous_chemicals", on=TODAY)] == [
        "chemicals-2017"
    ]
    assert [s.id for s in standards.for_sector("mining", on=TODAY)] == [
        "coal-mines-2020",
        "nonmetal-mines-2022",
    ]
    trade = {i.clause for _, i in standards.items_for_sector("industry_trade", on=TODAY)}
    assert {"第三条（一）", "第六条（一）", "第十三条（一）"} <= trade
    commerce = {i.clause for _, i in standards.items_for_sector("commerce", on=TODAY)}
    assert "第十二条（一）" in commerce and "第六条（一）" not in commerce  # 建材 is not 商贸
    assert "第三条（三）" not in commerce  # 金属冶炼 only
    underground = {i.clause for s, i in standards.items_for_sector("underground_mining", on=TODAY)}
    assert "一（一）1" in underground and "二（一）" not in underground  # open pit only
    assert standards.for_sector("pottery", on=TODAY) == []


def test_superseded_standards_are_not_offered_but_still_found() -> None:
    standards = load_hazard_standards()
    assert standards.for_sector("construction", on=TODAY) == []
    fire = standards.standards["fire-gb35181-2017"]
    assert fire.in_force(dt.date(2025, 10, 31)) and not fire.in_force(dt.date(2025, 11, 1))
    assert [s.id for s in standards.for_sector("catering", on=dt.date(2025, 10, 31))] == [
        "fire-gb35181-2017"
    ]
    assert standards.find_item("construction-2022#第十二条") is not None
    gongmao = standards.standards["gongmao-2023"]
    assert not gongmao.in_force(dt.date(2023, 5, 14)) and gongmao.in_force(dt.date(2023, 5, 15))


def test_catch_all_items_have_no_self_check_question() -> None:
    found = load_hazard_standards().find_item("coal-mines-2020#第三条（十五）")
    assert found is not None and found[1].question is None
    for bad in ("coal-mines-2020", "coal-mines-2020#", "coal-mines-2020#第九十九条", "x#一"):
        assert load_hazard_standards().find_item(bad) is None


GOOD = """\
id: sample
title: {zh_CN: 样例标准, en: Sample}
document_number: 测试〔2024〕1号
issuer: {zh_CN: 测试部, en: Test ministry}
effective: 2024-01-01
sectors: [industry_trade]
published_items: 2
partial: false
sources:
  - id: src
    title: 测试来源
notes: A sample.
items:
  - clause: 第一条（一）
    text: {zh_CN: 未设置测试装置, en: No test device}
    question: {zh_CN: 是否未设置测试装置？, en: "Is the test device missing?"}
    checked: [src]
  - clause: 第一条（二）
    text: {zh_CN: 未落实测试制度, en: No test system}
    checked: [src]
"""


@pytest.fixture
def schedules(tmp_path: Path) -> Path:
    """A schedules folder with the real sectors.yaml and an empty standards folder."""
    shutil.copy(schedules_dir() / "sectors.yaml", tmp_path / "sectors.yaml")
    (tmp_path / STANDARDS_DIR).mkdir()
    return tmp_path


def _write(root: Path, text: str, name: str = "sample") -> Path:
    path = root / STANDARDS_DIR / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _issues(root: Path) -> list[str]:
    return [str(i) for i in check_hazard_standards(root)]


def test_a_good_sample_loads(schedules: Path) -> None:
    _write(schedules, GOOD)
    assert _issues(schedules) == []
    loaded = load_hazard_standards(schedules)
    assert loaded.find_item("sample#第一条（二）") is not None


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "message"),
    [
        ("clause: 第一条（二）", "clause: 第一条（一）", 18, "items.1.clause", "appears twice"),
        (
            "sectors: [industry_trade]",
            "sectors: [industry_trade, pottery]",
            6,
            "sectors.1",
            "unknown sector 'pottery'",
        ),
        (
            "text: {zh_CN: 未落实测试制度, en: No test system}",
            "text: {zh_CN: 未落实测试制度}",
            19,
            "items.1.text.en",
            "Field required",
        ),
        (
            'question: {zh_CN: 是否未设置测试装置？, en: "Is the test device missing?"}',
            "question: {zh_CN: 是否未设置测试装置？, en: ''}",
            16,
            "items.0.question.en",
            "at least 1 character",
        ),
        ("clause: 第一条（一）", "clause: 第一条(一)", 14, "items.0.clause", "full-width brackets"),
        (
            "    checked: [src]\n  - clause",
            "    checked: [elsewhere]\n  - clause",
            17,
            "items.0.checked.0",
            "unknown source 'elsewhere'",
        ),
        ("published_items: 2", "published_items: 3", 13, "items", "set partial: true"),
        ("id: sample", "id: other", 1, "id", "must match the file name"),
        ("effective: 2024-01-01\n", "", 1, "effective_note", "give the effective date"),
    ],
)
def test_bad_files_name_file_line_and_field(
    schedules: Path, old: str, new: str, line: int, field: str, message: str
) -> None:
    assert old in GOOD
    path = _write(schedules, GOOD.replace(old, new, 1))
    issues = _issues(schedules)
    assert any(i.startswith(f"{path}:{line}: {field}: ") and message in i for i in issues), issues
    with pytest.raises(DataFileError):
        load_hazard_standards(schedules)


def test_item_sectors_must_be_the_standards(schedules: Path) -> None:
    path = _write(
        schedules,
        GOOD.replace("    checked: [src]\n", "    sectors: [mining]\n    checked: [src]\n", 1),
    )
    assert any(
        i.startswith(f"{path}:17: items.0.sectors.0: ") and "not one of the standard's" in i
        for i in _issues(schedules)
    )


def test_bad_yaml_names_its_line(schedules: Path) -> None:
    path = _write(schedules, GOOD.replace("sources:\n", "sources:\n  - id: [unclosed\n", 1))
    issues = _issues(schedules)
    assert len(issues) == 1
    assert issues[0].startswith(f"{path}:11: YAML: "), issues  # the line after [unclosed


def test_duplicate_ids_across_files_point_at_the_first(schedules: Path) -> None:
    _write(schedules, GOOD)
    second = _write(schedules, GOOD.replace("id: sample", "id: sample-b"), name="sample-b")
    (schedules / STANDARDS_DIR / "sample-c.yaml").write_text(
        GOOD.replace("id: sample", "id: sample-b"), encoding="utf-8"
    )
    issues = _issues(schedules)
    assert any(
        "sample-c.yaml:1: id: " in i and "duplicate id 'sample-b'" in i and f"{second}:1" in i
        for i in issues
    ), issues


def test_an_empty_folder_is_an_error(schedules: Path) -> None:
    assert any("no hazard standards found" in i for i in _issues(schedules))
