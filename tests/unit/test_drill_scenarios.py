"""The scenario data file and the drill button codec."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.catalog import load_catalog
from bot.datafile import DataFileError
from bot.domain.drill import STEPS, Step
from bot.paths import messages_dir, schedules_dir
from bot.services.drill.scenarios import ScenarioBook, load_scenarios
from bot.telegram.drill import callbacks as cb

SCENARIOS = (
    "fire",
    "electrical_fire",
    "gas_leak",
    "chemical_spill",
    "confined_space",
    "dust_explosion",
    "fireworks_fire",
    "water_inrush",
    "roof_fall",
    "mine_gas",
    "collapse",
    "fall_from_height",
    "road_accident",
)


@pytest.fixture(scope="module")
def book() -> ScenarioBook:
    return load_scenarios(messages_dir())


def test_every_scenario_has_five_steps_in_both_languages(book: ScenarioBook) -> None:
    assert tuple(s.id for s in book.scenarios) == SCENARIOS
    for scenario in book.scenarios:
        assert set(scenario.steps) == set(STEPS)
        for text in scenario.steps.values():
            assert text.do.zh_CN and text.do.en and text.why.zh_CN and text.why.en
    assert [s.sign for s in book.steps] == ["关", "避", "喊", "报", "助"]


def test_scenarios_name_known_sectors_and_every_sector_gets_some(book: ScenarioBook) -> None:
    catalog = load_catalog(schedules_dir())
    assert book.unknown_sectors(set(catalog.sectors)) == []
    for sector in catalog.sectors:
        fire = book.resolve("fire", sector)
        assert fire in [s.id for s in book.for_sector(sector)]
        assert fire == ("fireworks_fire" if sector == "fireworks" else "fire")
    assert "dust_explosion" not in [s.id for s in book.for_sector("catering")]
    assert "dust_explosion" in [s.id for s in book.for_sector("dust")]
    assert "confined_space" in [s.id for s in book.for_sector("hazardous_chemicals")]


def test_words_find_scenarios_and_areas_without_clashes(book: ScenarioBook) -> None:
    assert book.find_scenario("火灾").id == "fire"  # type: ignore[union-attr]
    assert book.find_scenario("GAS").id == "gas_leak"  # type: ignore[union-attr]
    assert book.find_area("车间") == "production" and book.find_area("office") == "office"
    assert book.command_of("结束") == "end" and book.command_of("统计") == "stats"
    owners: dict[str, set[str]] = {}
    for s in book.scenarios:
        for w in (s.id, s.keyword.zh_CN, s.keyword.en, *s.aliases):
            owners.setdefault(w.lower(), set()).add(s.id)
    for area, a in book.areas.items():
        for w in (a.keyword.zh_CN, a.keyword.en, *a.aliases):
            owners.setdefault(w.lower(), set()).add(area.value)
    for command, ws in book.commands.items():
        for w in ws:
            owners.setdefault(w.lower(), set()).add(command)
    assert {w: o for w, o in owners.items() if len(o) > 1} == {}, "a word must mean one thing"


def test_a_mistake_in_the_file_names_file_line_and_field(tmp_path: Path) -> None:
    source = (messages_dir() / "drills" / "scenarios.yaml").read_text(encoding="utf-8")
    broken = source.replace(
        "      help:\n        do: {zh_CN: 帮助他人撤离、救护伤员",
        "      helpx:\n        do: {zh_CN: 帮助他人撤离",
        1,
    )
    assert broken != source
    (tmp_path / "drills").mkdir()
    (tmp_path / "drills" / "scenarios.yaml").write_text(broken, encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_scenarios(tmp_path)
    message = str(caught.value)
    assert "scenarios.yaml:" in message and "scenarios.0.steps" in message


callbacks = st.one_of(
    st.builds(
        cb.Choose,
        st.sampled_from(SCENARIOS),
        st.sampled_from([None, "office", "living"]),
        st.none() | st.integers(min_value=1, max_value=10_000),
    ),
    st.builds(cb.PressStep, st.integers(min_value=1, max_value=10**17), st.sampled_from(Step)),
    st.builds(cb.Arrive, st.integers(min_value=1, max_value=10**17)),
    st.builds(cb.ListMissing, st.integers(min_value=1, max_value=10**17)),
    st.builds(
        cb.Mark,
        st.integers(min_value=1, max_value=10**17),
        st.integers(min_value=1, max_value=10**17),
    ),
    st.builds(cb.End, st.integers(min_value=1, max_value=10**17)),
    st.builds(cb.PracticeStart, st.sampled_from(SCENARIOS)),
    st.builds(cb.PracticePress, st.sampled_from(SCENARIOS), st.sampled_from(Step)),
)


@given(callbacks)
def test_callback_data_round_trips_within_64_bytes(callback: cb.DrillCallback) -> None:
    data = cb.encode(callback)
    assert data.startswith("dr:") and len(data.encode()) <= 64
    assert cb.decode(data) == callback


@given(st.text(max_size=80) | st.from_regex(r"dr:[nsalkeqp]:[a-z0-9_:-]{0,40}", fullmatch=True))
def test_anything_else_decodes_to_none_or_a_valid_callback(data: str) -> None:
    decoded = cb.decode(data)
    assert decoded is None or cb.encode(decoded) == data


@pytest.mark.parametrize(
    "data",
    ["dr:s:1:bogus", "dr:s:x:shut", "dr:a:", "dr:k:1", "dr:n:Fire:-:0", "cf:1", "", "dr:e:1 "],
)
def test_malformed_callback_data_is_refused(data: str) -> None:
    assert cb.decode(data) is None


def test_fireworks_evacuate_at_once_and_never_fight_the_fire(book: ScenarioBook) -> None:
    assert book.resolve("fire", "fireworks") == book.resolve("electrical_fire", "fireworks")
    fw = book.get("fireworks_fire")
    assert fw is not None and "fire" not in [s.id for s in book.for_sector("fireworks")]
    assert "不扑救" in fw.steps[Step.SHUT].do.zh_CN
    assert "绝不返回" in fw.steps[Step.HELP].do.zh_CN
    assert "灭火器" not in "".join(t.do.zh_CN + t.why.zh_CN for t in fw.steps.values())


def test_an_early_fire_is_fought_before_evacuating_not_after(book: ScenarioBook) -> None:
    for scenario_id in ("fire", "electrical_fire"):
        scenario = book.get(scenario_id)
        assert scenario is not None
        assert "灭火器" in scenario.steps[Step.SHUT].why.zh_CN  # while it can still be fought
        assert "灭火器" not in scenario.steps[Step.HELP].do.zh_CN  # not after getting out
        assert "不返回" in scenario.steps[Step.HELP].do.zh_CN


@pytest.mark.parametrize(
    ("sector", "expected"),
    [
        ("underground_mining", {"water_inrush", "roof_fall", "mine_gas"}),
        ("mining", {"water_inrush", "roof_fall", "mine_gas"}),
        ("construction", {"collapse", "fall_from_height"}),
        ("transport", {"road_accident"}),
    ],
)
def test_sector_scenarios(book: ScenarioBook, sector: str, expected: set[str]) -> None:
    assert expected <= {s.id for s in book.for_sector(sector)}
    gas = book.get("mine_gas")
    assert gas is not None and "自救器" in gas.steps[Step.AVOID].do.zh_CN
