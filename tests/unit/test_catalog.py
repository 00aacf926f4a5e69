"""The shipped catalog covers DESIGN.md §4 with its sources and regions, and malformed catalog
files are reported with file, line and field by ``schedules check``."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from bot.catalog.loader import check_catalog, load_catalog
from bot.catalog.models import Period, Scope
from bot.cli.schedules import run_check, run_show
from bot.datafile import DataFileError
from bot.paths import schedules_dir

DESIGN_SOURCES = {
    "daily-control": {"S0#8", "S1#17"},
    "weekly-check": {"S0#8", "S1#17"},
    "monthly-dispatch": {"S0#8", "S1#17"},
    "leader-inspection": {"S0#8", "S1#15", "S2#5", "S4#12"},
    "leader-study": {"S0#8", "S1#15"},
    "emergency-drill": {"S0#18", "S1#38", "S4#12"},
    "evacuation-drill": {"S0#18", "S2#20", "S4#24"},
    "mine-leader-shifts": {"S3#(三)"},
    "warning-education": {"S4#17"},
    "pre-shift-meeting": {"S2#12"},
    "responsibility-review": {"S4#11"},
    "safety-budget": {"S4#16"},
}


def templates(tmp_path: Path, *, item: bool = True) -> Path:
    """A messages dir with an empty placeholder reminder template (the real one is not under test)."""
    folder = tmp_path / "messages" / "templates" / "reminders"
    folder.mkdir(parents=True)
    if item:
        (folder / "item.html.j2").write_text("", encoding="utf-8")
    return tmp_path / "messages"


def test_shipped_catalog_is_valid(tmp_path: Path) -> None:
    assert check_catalog(schedules_dir(), templates(tmp_path)) == []


def test_every_design_obligation_is_there_with_its_sources() -> None:
    catalog = load_catalog()
    for ob_id, sources in DESIGN_SOURCES.items():
        assert sources <= set(catalog.obligations[ob_id].citations), ob_id
    assert all(o.sources for o in catalog.obligations.values())
    office = {o.id for r in catalog.regions for o in catalog.for_office(r)}
    assert {"committee-meeting", "quarterly-assessment", "duty-lists", "safety-month"} <= office
    campaigns = {o.id for o in catalog.obligations.values() if o.kind == "campaign"}
    assert campaigns == {
        "safety-month",
        "safety-consultation-day",
        "disaster-reduction-day",
        "disaster-reduction-week",
        "fire-safety-month",
        "fire-safety-day",
    }
    assert all(catalog.obligations[c].scope is Scope.ALL for c in campaigns)
    events = {o.id for o in catalog.obligations.values() if o.schedule.period is Period.EVENT}
    assert {"inspection-quiz", "violation-retraining", "first-lesson"} <= events


def test_variants_and_applicability() -> None:
    catalog = load_catalog()
    mine = catalog.obligations["mine-leader-shifts"]
    assert mine.schedule_for("underground_mining", True).quota == 5
    assert "mine-leader-shifts" in {
        o.id for o in catalog.for_enterprise("underground_mining", True, "hubei")
    }
    assert "mine-leader-shifts" not in {
        o.id for o in catalog.for_enterprise("mining", True, "hubei")
    }
    assert "pre-shift-meeting" not in {
        o.id for o in catalog.for_enterprise("industry_trade", False)
    }
    drill = catalog.obligations["emergency-drill"]
    hubei = catalog.lineage("hubei")
    assert drill.schedule_for("x", True, hubei).period is Period.HALF_YEARLY
    assert drill.schedule_for("x", True).period is Period.YEARLY  # national: not an art. 8 unit
    assert drill.schedule_for("x", False, hubei).period is Period.YEARLY


def test_regions_are_derived_from_documents_and_filter_profiles() -> None:
    catalog = load_catalog()
    assert catalog.regions == ["national", "hubei", "ezhou", "quyuan", "xinzhou"]
    assert catalog.lineage("ezhou") == {"ezhou", "hubei", "national"}
    assert catalog.obligations["pre-shift-meeting"].regions == ("quyuan",)
    hubei = {o.id for o in catalog.for_enterprise("hazardous_chemicals", True, "hubei")}
    assert {"daily-control", "emergency-drill", "safety-budget"} <= hubei  # budget cites law
    assert "pre-shift-meeting" not in hubei and "warning-education" not in hubei
    assert "inspection-quiz" not in hubei  # Ezhou's list (S1#37) binds Ezhou only
    ezhou = {o.id for o in catalog.for_enterprise("hazardous_chemicals", True, "ezhou")}
    assert hubei | {"inspection-quiz"} <= ezhou
    national = {o.id for o in catalog.for_enterprise("hazardous_chemicals", True, "national")}
    assert {"emergency-drill", "onsite-drill", "responsibility-review", "safety-budget"} <= national
    assert "daily-control" not in national and "leader-inspection" not in national
    assert national < hubei
    assert catalog.find_region("湖北").id == "hubei"  # type: ignore[union-attr]


def _show(sector: str, **kw: object) -> list[dict[str, object]]:
    out, err = io.StringIO(), io.StringIO()
    assert (
        run_show(
            sector=sector,
            high_risk=None,
            start=dt.date(2027, 1, 1),
            end=dt.date(2027, 12, 31),
            as_json=True,
            ics_path=None,
            out=out,
            err=err,
            **kw,
        )
        == 0
    )  # type: ignore[arg-type]
    assert "2027" in err.getvalue()  # the weekday-fallback warning, kept off stdout
    data: list[dict[str, object]] = json.loads(out.getvalue())
    return data


@pytest.mark.parametrize(
    ("sector", "region", "expected"),
    [
        ("危险化学品", "xinzhou", (12, 2, 6)),
        ("工贸", "xinzhou", (0, 1, 3)),
        ("工贸", "hubei", (4, 1, 1)),
        ("commerce", "hubei", (4, 1, 1)),
    ],
)
def test_done_means_counts(sector: str, region: str, expected: tuple[int, int, int]) -> None:
    counts = Counter(str(o["obligation_id"]) for o in _show(sector, region=region))
    assert (
        counts["leader-inspection"],
        counts["emergency-drill"],
        counts["evacuation-drill"],
    ) == expected


def test_show_json_has_the_contract_fields() -> None:
    rows = _show("hazardous_chemicals", locale="en", region="hubei")
    first = rows[0]
    for key in (
        "obligation_id",
        "title",
        "window_start",
        "window_end",
        "due",
        "area",
        "label",
        "quota",
        "kind",
        "sources",
    ):
        assert key in first
    inspection = next(r for r in rows if r["obligation_id"] == "leader-inspection")
    assert inspection["window_start"] == "2027-01-01T00:00:00+08:00"
    assert inspection["window_end"] == "2027-02-01T00:00:00+08:00"  # exclusive end
    assert inspection["due"] == "2027-01-29T17:00:00+08:00"  # last weekday of January
    assert inspection["sources"] == ["S0#8", "S1#15", "S2#5", "S4#12"]
    assert inspection["title"] == "Main leader leads a safety inspection"
    dues = [dt.datetime.fromisoformat(str(r["due"])) for r in rows]
    assert dues == sorted(dues)


def test_show_rejects_unknown_sector_with_the_list() -> None:
    out, err = io.StringIO(), io.StringIO()
    code = run_show(
        sector="pottery",
        high_risk=None,
        start=dt.date(2027, 1, 1),
        end=dt.date(2027, 1, 31),
        as_json=True,
        ics_path=None,
        out=out,
        err=err,
    )
    assert code == 2 and out.getvalue() == ""
    assert "pottery" in err.getvalue() and "hazardous_chemicals (危险化学品)" in err.getvalue()


def test_show_plain_table_and_ics(tmp_path: Path) -> None:
    out = io.StringIO()
    assert (
        run_show(
            sector="工贸",
            high_risk=True,
            start=dt.date(2026, 6, 1),
            end=dt.date(2026, 6, 30),
            as_json=False,
            ics_path=None,
            out=out,
            err=io.StringIO(),
            region="quyuan",
        )
        == 0
    )
    text = out.getvalue()
    assert "安全生产月" in text and "pre-shift-meeting" in text and "[work_start]" in text
    from icalendar import Calendar

    path = tmp_path / "cal.ics"
    stamp = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    assert (
        run_show(
            sector="危险化学品",
            high_risk=None,
            start=dt.date(2027, 1, 1),
            end=dt.date(2027, 12, 31),
            as_json=False,
            ics_path=path,
            out=io.StringIO(),
            err=io.StringIO(),
            now=stamp,
            region="xinzhou",
        )
        == 0
    )
    raw = path.read_bytes()
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and b"TZID:Asia/Shanghai" in raw
    cal = Calendar.from_ical(raw)
    events = list(cal.walk("VEVENT"))
    uids = [str(e["UID"]) for e in events]
    assert len(uids) == len(set(uids)) and all(u.endswith("@safetybot") for u in uids)
    assert "evacuation-drill/office/2027-H1@safetybot" in uids
    assert all(e.decoded("DTSTAMP") == stamp for e in events)
    month = next(e for e in events if str(e["UID"]).startswith("safety-month/"))
    assert month.decoded("DTSTART") == dt.date(2027, 6, 1)
    assert month.decoded("DTEND") == dt.date(2027, 7, 1)


GOOD = """\
obligations:
  - id: probe-duty
    title: {zh_CN: 测试, en: Probe}
    description: {zh_CN: 测试, en: Probe}
    schedule: {period: monthly}
    reminders: {escalate_to: committee}
    sources: [{doc: S0, item: "8"}]
"""


def catalog_dir(tmp_path: Path, **files: str) -> Path:
    root = tmp_path / "schedules"
    (root / "obligations").mkdir(parents=True)
    for name in ("sectors.yaml", "documents.yaml", "areas.yaml", "people.yaml"):
        shutil.copy(schedules_dir() / name, root / name)
    for name, text in files.items():
        (root / "obligations" / f"{name}.yaml").write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("text", "line", "field", "words"),
    [
        (
            GOOD.replace("{period: monthly}", "{period: monthly, quota: many}"),
            5,
            "obligations.0.schedule.quota",
            "integer",
        ),
        (
            GOOD.replace("    reminders:", "    colour: red\n    reminders:"),
            6,
            "obligations.0.colour",
            "Extra inputs",
        ),
        (
            GOOD.replace("{period: monthly}", "{period: once, date: 2027-02-30}"),
            5,
            "obligations.0.schedule.date",
            "not a date",
        ),
        (
            GOOD.replace("{period: monthly}", "{period: once, date: '2027-13-01'}"),
            5,
            "obligations.0.schedule.date",
            "date",
        ),
        (GOOD.replace("{period: monthly}", "{period: monthly"), 6, "", "YAML"),
        (
            GOOD.replace("{period: monthly}", "{period: daily, quota: 2}"),
            5,
            "obligations.0.schedule.quota",
            "daily",
        ),
        (
            GOOD.replace("{period: monthly}", "{period: weekly, quota: 8}"),
            5,
            "obligations.0.schedule.quota",
            "does not fit",
        ),
        (
            GOOD.replace("{period: monthly}", "{period: monthly, window: ['01-01', '03-31']}"),
            5,
            "obligations.0.schedule.window",
            "only allowed",
        ),
        (
            GOOD.replace("{period: monthly}", "{period: deadline, window: ['01-01', '02-30']}"),
            5,
            "obligations.0.schedule.window",
            "02-30",
        ),
        (
            GOOD.replace("{period: monthly}", "{period: fortnightly}"),
            5,
            "obligations.0.schedule.period",
            "Input should be",
        ),
        (
            GOOD.replace(
                "{period: monthly}",
                "{period: weekly, quota: 3}\n"
                "    variants: [{when: {high_risk: true}, period: daily}]",
            ),
            6,
            "obligations.0.variants.0.quota",
            "daily",
        ),
        (
            GOOD.replace(", en: Probe}\n    description", "}\n    description"),
            3,
            "obligations.0.title.en",
            "required",
        ),
        (GOOD.replace("doc: S0", "doc: S9"), 7, "obligations.0.sources.0.doc", "unknown document"),
        (
            GOOD.replace("    reminders:", "    applies: {sectors: [pottery]}\n    reminders:"),
            6,
            "obligations.0.applies.sectors",
            "unknown sector",
        ),
        (
            GOOD.replace("    reminders:", "    regions: [hunan]\n    reminders:"),
            6,
            "obligations.0.regions.0",
            "not a region of its sources",
        ),
        (
            GOOD.replace("{escalate_to: committee}", "{escalate_to: main_leader}"),
            6,
            "obligations.0.reminders",
            "concerns already",
        ),
        (
            GOOD.replace("{escalate_to: committee}", "{escalate_to: committee, time: '19:00'}"),
            6,
            "obligations.0.reminders",
            "after the 18:00 due time",
        ),
    ],
)
def test_malformed_catalog_names_file_line_field(
    tmp_path: Path, text: str, line: int, field: str, words: str
) -> None:
    root = catalog_dir(tmp_path, bad=text)
    issues = check_catalog(root, templates(tmp_path))
    path = str(root / "obligations" / "bad.yaml")
    matching = [i for i in issues if (i.file, i.line, i.field) == (path, line, field)]
    assert matching, issues
    assert words in matching[0].message
    with pytest.raises(DataFileError):
        load_catalog(root)


def test_duplicate_id_across_files(tmp_path: Path) -> None:
    root = catalog_dir(tmp_path, a=GOOD, b="# another file\n" + GOOD)
    [issue] = check_catalog(root, templates(tmp_path))
    assert (issue.file, issue.line, issue.field) == (
        str(root / "obligations" / "b.yaml"),
        3,
        "obligations.0.id",
    )
    assert f"first at {root / 'obligations' / 'a.yaml'}:2" in issue.message


def test_missing_reminder_template(tmp_path: Path) -> None:
    root = catalog_dir(tmp_path, a=GOOD)
    [issue] = check_catalog(root, templates(tmp_path, item=False))
    assert (issue.file, issue.line, issue.field) == (
        str(root / "obligations" / "a.yaml"),
        6,
        "obligations.0.reminders",
    )
    assert "item.html.j2" in issue.message and "probe-duty" in issue.message


def test_run_check_prints_issues_warnings_and_summary(tmp_path: Path) -> None:
    messages = templates(tmp_path)
    out = io.StringIO()
    assert (
        run_check(
            schedules_dir(), out, today=dt.date(2026, 11, 2), messages_dir=messages, locale="en"
        )
        == 0
    )
    lines = out.getvalue().splitlines()
    # the warning names the folder the file belongs in, not a file that does not exist
    assert lines[0].startswith(
        f"{schedules_dir() / 'holidays'}/: warning: no holiday notice for 2027"
    )
    assert "add cn-2027.yaml to that folder" in lines[0] and "cn-2027.yaml:" not in lines[0]
    assert lines[-1].startswith("0 error(s), 1 warning(s)")
    root = catalog_dir(
        tmp_path, bad=GOOD.replace("quota", "x").replace("monthly", "daily, quota: 2")
    )
    out = io.StringIO()
    assert run_check(root, out, today=dt.date(2026, 5, 1), messages_dir=messages, locale="en") == 1
    first, *_, last = out.getvalue().splitlines()
    assert (
        first == f"{root / 'obligations' / 'bad.yaml'}:5: obligations.0.schedule.quota: "
        "Value error, a daily obligation cannot have a quota above 1"
    )
    assert last == "1 error(s), 0 warning(s)"
