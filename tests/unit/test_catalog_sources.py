"""The catalog says what its sources say, in the regions of the documents that say it.

Each test names the rule it checks (document and item), so a failing test points at the text
to re-read: 《生产安全事故应急条例》 (yingji tiaoli), 《生产安全事故应急预案管理办法》
(yuan guanli banfa), and the seed lists S0–S4 (DESIGN.md §4).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.catalog.holidays import load_work_calendar
from bot.catalog.loader import Catalog, load_catalog
from bot.catalog.models import Kind, Period
from bot.domain.recurrence import occurrence_for_event, occurrences
from bot.domain.workcalendar import WorkCalendar
from bot.services.reminders.materialize import materialize
from bot.store.db import make_engine, upgrade
from bot.store.models import Enterprise, OccurrenceRow

TZ = ZoneInfo("Asia/Shanghai")
CROWDED = ("shopping_mall", "hotel", "entertainment", "scenic_area", "commercial_complex")
ART8_UNITS = ("hazardous_chemicals", "fireworks", "gas", "mining", "metallurgy", "construction")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="module")
def calendar() -> WorkCalendar:
    return load_work_calendar()


def counts(
    catalog: Catalog, cal: WorkCalendar, sector: str, region: str, year: int
) -> Counter[str]:
    """How many occurrences of each obligation an enterprise gets in ``year``."""
    found = catalog.sectors[sector]
    path = catalog.lineage(region)
    return Counter(
        occ.obligation_id
        for ob in catalog.for_enterprise(sector, found.high_risk, region)
        for occ in occurrences(
            ob,
            sector=sector,
            high_risk=found.high_risk,
            start=dt.date(year, 1, 1),
            end=dt.date(year, 12, 31),
            tz=TZ,
            calendar=cal,
            regions=path,
        )
    )


@pytest.mark.parametrize("sector", CROWDED + ART8_UNITS)
def test_crowded_places_drill_half_yearly_yingji_tiaoli_art8(
    catalog: Catalog, calendar: WorkCalendar, sector: str
) -> None:
    assert counts(catalog, calendar, sector, "national", 2027)["emergency-drill"] == 2
    drill = catalog.obligations["emergency-drill"]
    variant = drill.variant_for(sector, catalog.sectors[sector].high_risk)
    assert variant is not None and "LAW-ER#8" in [str(s) for s in variant.sources]


def test_other_enterprises_drill_their_plan_yearly_yuan_guanli_banfa_art33(
    catalog: Catalog, calendar: WorkCalendar
) -> None:
    for sector in ("commerce", "industry_trade", "school", "dust", "transport"):
        assert counts(catalog, calendar, sector, "national", 2027)["emergency-drill"] == 1, sector
    assert "LAW-EP#33" in catalog.obligations["emergency-drill"].citations


def test_high_risk_half_yearly_drill_only_where_s0_18_and_s4_12_apply(
    catalog: Catalog, calendar: WorkCalendar
) -> None:
    """Transport is high-risk but not an 应急条例 第八条 unit: half-yearly only in Hubei/Xinzhou."""
    by_region = {r: counts(catalog, calendar, "transport", r, 2027) for r in catalog.regions}
    assert {r: c["emergency-drill"] for r, c in by_region.items()} == {
        "national": 1,
        "hubei": 2,
        "ezhou": 2,
        "quyuan": 1,
        "xinzhou": 2,
    }


@pytest.mark.parametrize("region", ["national", "hubei", "ezhou", "quyuan", "xinzhou"])
@pytest.mark.parametrize("sector", ["industry_trade", "hazardous_chemicals", "school"])
def test_onsite_drill_half_yearly_everywhere_yuan_guanli_banfa_art33(
    catalog: Catalog, calendar: WorkCalendar, sector: str, region: str
) -> None:
    assert counts(catalog, calendar, sector, region, 2027)["onsite-drill"] == 2
    assert catalog.obligations["onsite-drill"].citations == ["LAW-EP#33"]


def test_per_area_evacuation_drills_only_in_xinzhou_s4_24(
    catalog: Catalog, calendar: WorkCalendar
) -> None:
    def areas(sector: str, region: str) -> Counter[str | None]:
        found = catalog.sectors[sector]
        ob = catalog.obligations["evacuation-drill"]
        return Counter(
            o.area
            for o in occurrences(
                ob,
                sector=sector,
                high_risk=found.high_risk,
                start=dt.date(2027, 1, 1),
                end=dt.date(2027, 12, 31),
                tz=TZ,
                calendar=calendar,
                regions=catalog.lineage(region),
            )
        )

    assert areas("industry_trade", "xinzhou") == {"office": 1, "production": 1, "living": 1}
    assert areas("hazardous_chemicals", "xinzhou") == {"office": 2, "production": 2, "living": 2}
    for region in ("hubei", "ezhou", "quyuan"):
        assert areas("industry_trade", region) == {None: 1}, region
        assert areas("hazardous_chemicals", region) == {None: 2}, region


def test_evacuation_drill_yearly_in_hubei_s0_18_and_quyuan_s2_20_not_national(
    catalog: Catalog,
) -> None:
    assert catalog.obligations["evacuation-drill"].regions == ("hubei", "quyuan", "xinzhou")
    assert "evacuation-drill" not in {o.id for o in catalog.for_enterprise("commerce", False)}


def test_responsibility_review_end_of_march_only_in_xinzhou_s4_11(
    catalog: Catalog, calendar: WorkCalendar
) -> None:
    ob = catalog.obligations["responsibility-review"]

    def due(region: str) -> dt.date:
        [occ] = occurrences(
            ob,
            sector="industry_trade",
            high_risk=False,
            start=dt.date(2027, 1, 1),
            end=dt.date(2027, 12, 31),
            tz=TZ,
            calendar=calendar,
            regions=catalog.lineage(region),
        )
        return occ.due.date()

    assert due("xinzhou") <= dt.date(2027, 3, 31)
    for region in ("national", "hubei", "quyuan"):  # 安全生产法 第二十二条: no date
        assert due(region).month == 12, region
    assert "LAW-SP#22" in ob.citations and "period" in ob.settings


def test_national_campaigns_in_every_profile(catalog: Catalog) -> None:
    campaigns = {o.id for o in catalog.obligations.values() if o.kind is Kind.CAMPAIGN}
    assert len(campaigns) == 6
    for region in catalog.regions:
        got = {o.id for o in catalog.for_enterprise("industry_trade", False, region)}
        assert campaigns <= got, region
        assert campaigns <= {o.id for o in catalog.for_office(region)}, region


def test_major_hazard_deadline_comes_from_the_notice_s1_25_s4_40(
    catalog: Catalog, calendar: WorkCalendar
) -> None:
    ob = catalog.obligations["major-hazard-rectification"]
    assert ob.schedule.deadline_from_event and ob.schedule.within_days == 0
    notice = dt.datetime(2026, 3, 2, 10, 0, tzinfo=TZ)
    with pytest.raises(ValueError, match="deadline"):
        occurrence_for_event(
            ob, sector="gas", high_risk=True, ref="1", happened_at=notice, calendar=calendar
        )
    occ = occurrence_for_event(
        ob,
        sector="gas",
        high_risk=True,
        ref="1",
        happened_at=notice,
        calendar=calendar,
        deadline=dt.date(2026, 5, 3),  # a Sunday in the 劳动节 break: the last workday before
    )
    assert occ.due == dt.datetime(2026, 4, 30, 17, 0, tzinfo=TZ)


def test_unsourced_windows_and_deadlines_are_settings_with_defaults(catalog: Catalog) -> None:
    """No source dates the budget or the retraining: they are declared settings (S4#16, #21, #23)."""
    obs = catalog.obligations
    assert obs["safety-budget"].settings == ("window",)
    assert obs["safety-budget"].schedule.window == ("11-01", "12-31")
    assert obs["failed-test-retraining"].settings == ("within_days",)
    assert obs["failed-test-retraining"].schedule.within_days == 7
    assert obs["violation-retraining"].settings == ("within_days",)
    assert obs["violation-retraining"].schedule.within_days == 3


def test_dust_is_not_high_risk_no_seed_lists_it_gas_cites_yingji_tiaoli_art8(
    catalog: Catalog,
) -> None:
    assert catalog.sectors["dust"].high_risk is False
    assert [str(s) for s in catalog.sectors["gas"].sources] == ["LAW-ER#8"]
    assert catalog.find_sector("商场").id == "shopping_mall"  # type: ignore[union-attr]
    assert catalog.find_sector("商贸").id == "commerce"  # type: ignore[union-attr]


def test_all_holiday_week_2026_w08_falls_due_on_the_next_working_day(
    catalog: Catalog, calendar: WorkCalendar
) -> None:
    ob = catalog.obligations["weekly-check"]
    [w08] = [
        o
        for o in occurrences(
            ob,
            sector="industry_trade",
            high_risk=False,
            start=dt.date(2026, 2, 16),
            end=dt.date(2026, 2, 28),
            tz=TZ,
            calendar=calendar,
            regions=catalog.lineage("hubei"),
        )
        if o.label == "2026-W08"
    ]
    assert w08.due.date() == dt.date(2026, 2, 24)  # Feb 16–23 off; not Sunday Feb 22


@pytest.mark.parametrize("year", [2026, 2027])
def test_no_duty_ever_falls_due_on_a_day_off(
    catalog: Catalog, calendar: WorkCalendar, year: int
) -> None:
    for region in catalog.regions:
        for sector in ("hazardous_chemicals", "industry_trade"):
            found = catalog.sectors[sector]
            for ob in catalog.for_enterprise(sector, found.high_risk, region):
                if ob.kind is Kind.CAMPAIGN or ob.schedule.period is Period.EVENT:
                    continue
                for occ in occurrences(
                    ob,
                    sector=sector,
                    high_risk=found.high_risk,
                    start=dt.date(year, 1, 1),
                    end=dt.date(year, 12, 31),
                    tz=TZ,
                    calendar=calendar,
                    regions=catalog.lineage(region),
                ):
                    assert calendar.is_workday(occ.due.date()), (region, occ.key, occ.due)


@pytest.fixture
def engine(tmp_path: object) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path}/bot.db")
    upgrade(engine)
    yield engine
    engine.dispose()


def test_duties_due_before_registration_are_not_overdue_s2_12(
    engine: Engine, catalog: Catalog, calendar: WorkCalendar
) -> None:
    """Registered at 10:00 on a workday: that morning's 班前会 (due 09:00) is not its item."""
    registered = dt.datetime(2027, 3, 2, 10, 0, tzinfo=TZ)
    with Session(engine, expire_on_commit=False) as session:
        enterprise = Enterprise(
            chat_id=-100,
            name="某化工",
            sector="hazardous_chemicals",
            high_risk=True,
            region="quyuan",
            created_by=1,
            created_at=registered,
        )
        session.add(enterprise)
        session.commit()
        materialize(
            session, enterprise, catalog=catalog, calendar=calendar, now=registered, horizon_days=7
        )
        meetings = session.exec(
            select(OccurrenceRow.label).where(OccurrenceRow.obligation_id == "pre-shift-meeting")
        ).all()
    assert "2027-03-02" not in meetings and "2027-03-03" in meetings


@pytest.mark.parametrize(
    ("name", "sector_id"),
    [
        ("学校", "school"),
        ("医院", "hospital"),
        ("养老院", "elderly_care"),
        ("大型商业综合体", "commercial_complex"),
        ("商场", "shopping_mall"),
        ("宾馆", "hotel"),
        ("博物馆", "heritage"),
        ("九小场所", "nine_small"),
    ],
)
def test_sectors_the_seeds_name_are_accepted_s2_3_s2_17(
    catalog: Catalog, name: str, sector_id: str
) -> None:
    found = catalog.find_sector(name)
    assert found is not None and found.id == sector_id and not found.high_risk


@pytest.mark.parametrize(
    ("sector", "region", "duty", "year"),
    [
        ("hospital", "hubei", "hospital-fire-chief-training", 2024),  # S0#4
        ("heritage", "ezhou", "heritage-fire-chief-training", 2025),  # S1#9
        ("commercial_complex", "quyuan", "complex-fire-chief-training", 2026),  # S2#17
        ("school", "quyuan", "fire-chief-training", 2026),  # S2#17
        ("nine_small", "hubei", "early-fire-alarms", 2024),  # S0#14
    ],
)
def test_fire_safety_chief_duties_where_the_sources_set_them(
    catalog: Catalog, calendar: WorkCalendar, sector: str, region: str, duty: str, year: int
) -> None:
    assert counts(catalog, calendar, sector, region, year)[duty] == 1
    assert counts(catalog, calendar, sector, "national", year)[duty] == 0
    assert counts(catalog, calendar, "industry_trade", region, year)[duty] == 0


def test_every_obligation_is_in_the_docs_and_coverage_meets_the_target(catalog: Catalog) -> None:
    import re

    from bot.paths import data_dir

    doc = (data_dir("schedules").parent / "docs" / "catalog.md").read_text(encoding="utf-8")
    missing = [o for o in catalog.obligations if f"`{o}`" not in doc]
    assert missing == []
    match = re.search(
        r"\| \*\*all\*\* \| \*\*(\d+)\*\* \| \*\*(\d+)\*\* \| \*\*([\d.]+) %\*\* \|", doc
    )
    assert match is not None
    schedulable, covered, percent = int(match[1]), int(match[2]), float(match[3])
    assert round(100 * covered / schedulable, 1) == percent >= 90
