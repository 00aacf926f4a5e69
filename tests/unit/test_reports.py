"""Statistics, link codes, workbook, chart font, digest timing and the stats command, without Telegram."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from matplotlib import font_manager
from matplotlib.ft2font import FT2Font
from sqlalchemy import Engine
from sqlmodel import Session

from bot.catalog import load_catalog
from bot.cli.stats import run_stats
from bot.clock import FakeClock
from bot.config import Settings
from bot.errors import BadPeriod, EnterpriseChatCannotLink, InvalidLinkCode
from bot.paths import messages_dir, schedules_dir
from bot.render import Renderer
from bot.reports.build import collect, render_files
from bot.reports.chart import cjk_font_path, has_glyphs
from bot.reports.digest import claim, digest_week
from bot.reports.labels import load_labels, parse_labels
from bot.reports.period import Period, parse_period
from bot.reports.queries import stats_report
from bot.reports.sources import Awareness, ReportSources, WorkerResult
from bot.services.office import linking as offices
from bot.store.db import make_engine, upgrade
from bot.store.models import Confirmation, Enterprise, Member, OccurrenceRow
from bot.store.office_models import Office
from tests.conftest import SHANGHAI, local

NOW = local(2026, 12, 10, 12, 0)
TODAY = dt.date(2026, 12, 10)
TZ = "Asia/Shanghai"


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


def _enterprise(s: Session, chat_id: int, name: str, officer: int | None = None) -> Enterprise:
    e = Enterprise(chat_id=chat_id, name=name, sector="hazardous_chemicals", high_risk=True,
                   created_by=1, created_at=NOW, safety_officer_id=officer)  # fmt: skip
    s.add(e)
    s.commit()
    s.refresh(e)
    return e


def _occ(s: Session, e: Enterprise, key: str, day: int, *, obligation: str = "daily-control",
         done: bool = False, quota: int = 1, opens: int | None = None) -> OccurrenceRow:  # fmt: skip
    assert e.id is not None
    due = dt.datetime(2026, 12, day, 17, tzinfo=SHANGHAI)
    occ = OccurrenceRow(enterprise_id=e.id, key=key, obligation_id=obligation, label=key,
                        window_start=dt.date(2026, 12, opens or day), window_end=due.date(),
                        due_at=due, quota=quota, status="done" if done else "open",
                        done_at=due - dt.timedelta(hours=1) if done else None)  # fmt: skip
    s.add(occ)
    s.commit()
    s.refresh(occ)
    return occ


def _seed(s: Session) -> tuple[Enterprise, Enterprise]:
    good, bad = _enterprise(s, -1, "甲化工", officer=7), _enterprise(s, -2, "乙化工")
    assert good.id is not None
    s.add(Member(enterprise_id=good.id, user_id=7, name="老王", joined_at=NOW))
    for day in range(1, 13):  # 1..9 past due, 10 due today at 17:00, 11-12 not yet open
        _occ(s, good, f"g{day}", day, done=day % 3 != 0)
        _occ(s, bad, f"b{day}", day, done=day == 1)
    shifts = _occ(s, good, "shifts", 31, obligation="mine-leader-shifts", quota=5, opens=1)
    assert shifts.id is not None
    for slot in range(7):  # more than the quota: progress is capped at 5
        s.add(Confirmation(occurrence_id=shifts.id, enterprise_id=good.id, user_id=7,
                           user_name="老王", slot=slot, confirmed_at=NOW))  # fmt: skip
    s.commit()
    return good, bad


def test_periods_people_type() -> None:
    assert parse_period("", today=TODAY) == Period(dt.date(2026, 11, 11), TODAY)
    assert parse_period("2026-02", today=TODAY) == Period(dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert parse_period("2026Q4", today=TODAY) == Period(
        dt.date(2026, 10, 1), dt.date(2026, 12, 31)
    )
    assert parse_period("2026", today=TODAY).days == 365
    assert parse_period("2026-11-01..2026-11-15", today=TODAY).days == 15
    assert parse_period("7d", today=TODAY) == Period(dt.date(2026, 12, 4), TODAY)
    for wrong in ("2026-13", "yesterday", "2026-11-15..2026-11-01", "0d"):
        with pytest.raises(BadPeriod):
            parse_period(wrong, today=TODAY)


def test_link_codes_are_long_random_and_forgiving_to_type() -> None:
    codes = {offices.new_code() for _ in range(200)}
    assert len(codes) == 200 and all(len(c) == 12 for c in codes)
    assert not any(set(c) & set("01IO") for c in codes)
    code = next(iter(codes))
    assert offices.normalize_code(offices.display_code(code).lower()) == code


def test_redeem_refuses_expired_used_and_enterprise_chats(engine: Engine) -> None:
    with Session(engine) as s:
        e = _enterprise(s, -1, "甲化工")
        expired = offices.issue_code(s, enterprise=e, user_id=1, now=NOW - dt.timedelta(hours=25))
        with pytest.raises(InvalidLinkCode):
            offices.redeem(s, code=expired.code, chat_id=50, title="安委办", user_id=50,
                           locale="zh_CN", timezone=TZ, now=NOW)  # fmt: skip
        fresh = offices.issue_code(s, enterprise=e, user_id=1, now=NOW)
        with pytest.raises(EnterpriseChatCannotLink):
            offices.redeem(s, code=fresh.code, chat_id=-1, title="x", user_id=1,
                           locale="zh_CN", timezone=TZ, now=NOW)  # fmt: skip
        office, linked, created = offices.redeem(
            s, code=fresh.code, chat_id=50, title="安委办", user_id=50,
            locale="zh_CN", timezone=TZ, now=NOW,
        )  # fmt: skip
        assert created and linked.id == e.id and office.chat_id == 50
        with pytest.raises(InvalidLinkCode):
            offices.redeem(s, code=fresh.code, chat_id=51, title="乙", user_id=51,
                           locale="zh_CN", timezone=TZ, now=NOW)  # fmt: skip
        assert offices.office_for_chat(s, 51) is None, "a failed redeem creates no office"
        assert office.id is not None and offices.enterprise_ids(s, office.id) == [e.id]


def test_stats_are_aggregated_per_enterprise_and_obligation(engine: Engine) -> None:
    with Session(engine) as s:
        good, bad = _seed(s)
        assert good.id is not None and bad.id is not None
        report = stats_report(s, [good.id, bad.id], parse_period("", today=TODAY), tz=TZ,
                              now=NOW, sources=ReportSources())  # fmt: skip
    first, second = report.enterprises
    assert (first.name, second.name) == ("甲化工", "乙化工")
    # good: days 1..10 open by today; done unless day % 3 == 0 -> 3, 6, 9 overdue; 10 done
    assert (first.counts.done, first.counts.due, first.counts.overdue) == (7, 1, 3)
    assert (first.counts.quota_done, first.counts.quota_total) == (5, 5)
    assert (second.counts.done, second.counts.due, second.counts.overdue) == (1, 1, 8)
    assert report.obligations["daily-control"].overdue == 11
    assert report.totals.completion == pytest.approx(8 / 19)
    assert [w.name for w in report.worst] == ["乙化工", "甲化工"]
    oldest = report.overdue[0]
    assert (oldest.enterprise, oldest.days_overdue, oldest.officer) == ("乙化工", 8, None)
    assert next(o for o in report.overdue if o.enterprise == "甲化工").officer == "老王"
    assert report.awareness is None and report.drills == 0


class _Quiz:
    def awareness(
        self, session: Session, ids: object, *, as_of: dt.datetime
    ) -> dict[int, Awareness]:
        return {1: Awareness(3, 4)}

    def worker_results(self, session: Session, ids: object, *, start: dt.datetime,
                       end: dt.datetime) -> list[WorkerResult]:  # fmt: skip
        return [WorkerResult(1, 7, "老王", 10, 9, 1, 1, NOW, True)]


def test_workbook_has_five_sheets_real_dates_and_chinese_headers(engine: Engine) -> None:
    catalog = load_catalog(schedules_dir())
    with Session(engine) as s:
        good, bad = _seed(s)
        period = parse_period("", today=TODAY)
        data = collect(s, [good.id or 0, bad.id or 0], period, tz=TZ, now=NOW,
                       sources=ReportSources(quiz=_Quiz()), evidence_link=lambda i: f"https://t.me/x?start=of{i}")  # fmt: skip
    labels = load_labels(Renderer(messages_dir()), catalog, "zh_CN", period)
    files = render_files(data, labels, tz=TZ)
    wb = openpyxl.load_workbook(io.BytesIO(files.workbook))
    assert wb.sheetnames == ["汇总", "明细", "逾期", "考试", "隐患台账"]
    summary, detail, overdue, quiz = (wb[n] for n in wb.sheetnames[:4])
    # Four formal rows (title, 统计期间, 填报单位, 填报日期), the header on row 5, data from 6.
    assert [c.value for c in summary[5]][:3] == ["排名", "企业", "行业"]
    assert (summary.max_row, detail.max_row, overdue.max_row, quiz.max_row) == (8, 26, 16, 6)
    assert all(ws.freeze_panes == "A6" for ws in wb.worksheets)
    assert summary["I6"].value == pytest.approx(0.75) and summary["I6"].number_format == "0.0%"
    assert summary["B8"].value == "合计" and summary["I8"].value == pytest.approx(0.75)
    due = detail["F6"]
    assert due.value == dt.datetime(2026, 12, 1, 17, 0) and due.number_format == "yyyy-mm-dd hh:mm"
    assert detail["E6"].value == dt.datetime(2026, 12, 1, 0, 0), "window start is a date cell"
    assert detail["B6"].value == "日管控" and detail.column_dimensions["B"].width >= 8
    assert overdue["F6"].value == 8 and quiz["B6"].value == "老王"
    assert files.chart.startswith(b"\x89PNG")


def test_matplotlib_resolves_a_cjk_font_with_the_chart_glyphs() -> None:
    path = cjk_font_path()
    assert path is not None, "the pylopdf-fonts-zh-cn dependency ships Noto Sans SC"
    resolved = font_manager.findfont(font_manager.FontProperties(fname=path))
    assert resolved == path
    labels = parse_labels(
        Renderer(messages_dir()).plain("zh_CN", "reports/labels", start="", end="")
    )
    text = "".join(labels.values()) + "某某化工有限公司督办清单"
    cjk = "".join(ch for ch in text if ord(ch) > 0x2E80)
    assert has_glyphs(path, cjk)
    assert FT2Font(path).get_char_index(ord("汇")) != 0


def test_every_label_exists_in_both_languages() -> None:
    renderer = Renderer(messages_dir())
    zh = parse_labels(renderer.plain("zh_CN", "reports/labels", start="a", end="b"))
    en = parse_labels(renderer.plain("en", "reports/labels", start="a", end="b"))
    assert zh.keys() == en.keys() and len(zh) > 40
    assert [zh[k] for k in ("sheet_summary", "sheet_detail", "sheet_overdue", "sheet_quiz")] == [
        "汇总", "明细", "逾期", "考试",
    ]  # fmt: skip


def test_digest_is_due_from_monday_eight_local_and_claimed_once(engine: Engine) -> None:
    assert digest_week(local(2026, 12, 28, 7, 59), TZ) is None
    assert digest_week(local(2026, 12, 28, 8, 0), TZ) == dt.date(2026, 12, 28)
    assert digest_week(local(2026, 12, 30, 3, 0), TZ) == dt.date(2026, 12, 28)
    with Session(engine) as s:
        office = Office(chat_id=5, title="安委办", created_at=NOW)
        s.add(office)
        s.commit()
        s.refresh(office)
        assert claim(s, office, dt.date(2026, 12, 28))
        assert not claim(s, office, dt.date(2026, 12, 28))
        assert claim(s, office, dt.date(2027, 1, 4))


def test_stats_command_prints_and_writes_the_workbook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path}/cli.db"
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as s:
        _seed(s)
    engine.dispose()
    out = io.StringIO()
    settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
    xlsx = tmp_path / "report.xlsx"
    assert run_stats(settings=settings, chat_id=None, start=dt.date(2026, 11, 11),
                     end=TODAY, xlsx_path=xlsx, out=out, clock=FakeClock(NOW)) == 0  # fmt: skip
    text = out.getvalue()
    assert "2 家企业" in text and "甲化工" in text and "督办清单" in text
    assert openpyxl.load_workbook(xlsx).sheetnames == [
        "汇总",
        "明细",
        "逾期",
        "考试",
        "持证台账",
        "培训台账",
        "隐患台账",
    ]
    assert xlsx.with_suffix(".png").exists()
    bad = io.StringIO()
    assert run_stats(settings=settings, chat_id=999, start=None, end=None, xlsx_path=None,
                     out=bad) == 1  # fmt: skip
    assert "999" in bad.getvalue()


def test_the_stats_benchmark_runs_at_a_tiny_size(tmp_path: Path) -> None:
    from bench.stats_bench import run

    figures = run(
        f"sqlite:///{tmp_path}/bench.db", enterprises=10, confirmations=3000, office=4, runs=1
    )
    assert figures["office_enterprises"] == 4 and figures["report_rows"] > 0
    assert figures["stats_median_ms"] > 0
