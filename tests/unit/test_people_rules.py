"""``schedules/people.yaml``: the kinds and rules load, each cites a source, and a mistake in
the file is reported with its file, line and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.catalog.people import check_people_rules, load_people_rules
from bot.datafile import DataFileError
from bot.domain.training import hours_of
from bot.paths import schedules_dir

RULES = load_people_rules()


def test_every_kind_and_rule_cites_a_listed_source() -> None:
    sources = {s.id for s in RULES.data.sources}
    for kind in RULES.kinds:
        assert kind.cites and all(c.source in sources for c in kind.cites), kind.id
    for rule in RULES.data.training_rules:
        assert rule.cites and all(c.source in sources for c in rule.cites), rule.id


def test_special_operations_numbers_are_id_numbers() -> None:
    kind = RULES.kind("special_operation")
    assert kind is not None
    assert kind.number.matches("T42010619800101123X")
    assert kind.number.matches("420106198001011234")
    assert not kind.number.matches("4201061980")
    assert not kind.number.matches("电工证12345")


def test_high_risk_sectors_need_more_hours_than_others() -> None:
    metal = RULES.rule_for("manager", "metallurgy")
    retail = RULES.rule_for("manager", "retail")
    assert metal is not None and retail is not None
    assert (metal.new_hours, metal.annual_hours) == (48, 16)
    assert (retail.new_hours, retail.annual_hours) == (32, 12)
    worker = RULES.rule_for("worker", "retail")
    assert worker is not None and (worker.new_hours, worker.annual_hours) == (24, 0)


def test_a_new_worker_needs_pre_job_hours_and_only_pre_job_hours_count_for_them() -> None:
    rule = RULES.rule_for("worker", "hazardous_chemicals")
    hours = hours_of({"annual": 30.0, "pre_job": 60.0}, rule, new=True)
    assert (hours.new_missing, hours.annual_missing, hours.short) == (12.0, 0.0, True)
    settled = hours_of({"annual": 20.0}, rule, new=False)
    assert not settled.short


def _copy(tmp_path: Path, text: str) -> Path:
    root = tmp_path / "schedules"
    root.mkdir()
    shutil.copy(schedules_dir() / "sectors.yaml", root / "sectors.yaml")
    (root / "people.yaml").write_text(text, encoding="utf-8")
    return root


def _broken(tmp_path: Path, *changes: tuple[str, str]) -> Path:
    text = (schedules_dir() / "people.yaml").read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text
        text = text.replace(old, new)
    return _copy(tmp_path, text)


def test_a_mistake_in_a_value_names_file_line_and_field(tmp_path: Path) -> None:
    root = _broken(tmp_path, ("    valid_years: 3\n", "    valid_years: three\n"))
    (issue,) = check_people_rules(root)
    assert issue.field == "certificate_kinds.2.valid_years"
    lines = (root / "people.yaml").read_text(encoding="utf-8").splitlines()
    assert "valid_years: three" in lines[issue.line - 1]
    with pytest.raises(DataFileError):
        load_people_rules(root)


def test_unknown_sectors_and_sources_are_named(tmp_path: Path) -> None:
    root = _broken(
        tmp_path,
        ("sectors: [mining, underground_mining, hazardous_chemicals, fireworks, metallurgy]\n"
         "    new_hours: 48", "sectors: [mining, moon_base]\n    new_hours: 48"),
        ("source: order-30, clause: 第二十一条", "source: order-99, clause: 第二十一条"),
    )  # fmt: skip
    issues = {i.field: i for i in check_people_rules(root)}
    assert set(issues) == {"training_rules.1.sectors.1", "certificate_kinds.0.cites.0.source"}
    assert "moon_base" in issues["training_rules.1.sectors.1"].message
    assert "order-99" in issues["certificate_kinds.0.cites.0.source"].message
