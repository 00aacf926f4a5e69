"""The workbook never turns people's text into formulas (issue 14, item 8)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator

import openpyxl
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.catalog import load_catalog
from bot.paths import messages_dir
from bot.render import Renderer
from bot.reports.build import collect, render_files
from bot.reports.labels import load_labels
from bot.reports.period import parse_period
from bot.reports.sheets import put, sheet_name
from bot.reports.sources import ReportSources, WorkerResult
from bot.store.db import make_engine, upgrade
from bot.store.models import Confirmation, Enterprise, Member, OccurrenceRow
from tests.conftest import SHANGHAI, local

NOW = local(2026, 12, 10, 12, 0)
TZ = "Asia/Shanghai"
ENTERPRISE = '=HYPERLINK("http://x","点此查看")'
WORKER = "=1+2"


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


class _Quiz:
    def awareness(self, session: Session, ids: object, *, as_of: dt.datetime) -> dict[int, object]:
        return {}

    def worker_results(
        self, session: Session, ids: list[int], *, start: dt.datetime, end: dt.datetime
    ) -> list[WorkerResult]:
        return [WorkerResult(ids[0], 7, WORKER, 10, 9, 1, 1, NOW, True)]


def _seed(s: Session) -> None:
    e = Enterprise(chat_id=-1, name=ENTERPRISE, sector="hazardous_chemicals", high_risk=True,
                   created_by=1, created_at=NOW, safety_officer_id=7)  # fmt: skip
    s.add(e)
    s.commit()
    s.refresh(e)
    assert e.id is not None
    s.add(Member(enterprise_id=e.id, user_id=7, name=WORKER, joined_at=NOW))
    for day in (1, 2):  # day 1 confirmed by the worker, day 2 overdue
        due = dt.datetime(2026, 12, day, 17, tzinfo=SHANGHAI)
        occ = OccurrenceRow(enterprise_id=e.id, key=f"d{day}", obligation_id="daily-control",
                            label=f"d{day}", window_start=due.date(), window_end=due.date(),
                            due_at=due, quota=1, status="done" if day == 1 else "open",
                            done_at=due - dt.timedelta(hours=1) if day == 1 else None)  # fmt: skip
        s.add(occ)
        s.commit()
        s.refresh(occ)
        assert occ.id is not None
        if day == 1:
            s.add(Confirmation(occurrence_id=occ.id, enterprise_id=e.id, user_id=7,
                               user_name=WORKER, slot=0, confirmed_at=NOW))  # fmt: skip
    s.commit()


def test_names_that_look_like_formulas_are_text_cells_in_every_sheet(engine: Engine) -> None:
    with Session(engine) as s:
        _seed(s)
        period = parse_period("", today=NOW.date())
        ids = [i for i in s.exec(select(Enterprise.id)).all() if i is not None]
        data = collect(s, ids, period, tz=TZ, now=NOW, sources=ReportSources(quiz=_Quiz()))
    labels = load_labels(Renderer(messages_dir()), load_catalog(), "zh_CN", period)
    wb = openpyxl.load_workbook(io.BytesIO(render_files(data, labels, tz=TZ).workbook))
    summary, detail, overdue, quiz = (wb[n] for n in ("汇总", "明细", "逾期", "考试"))
    # Row 6 is the first of each table (a title and three formal rows above its header); the
    # 填报单位 of one enterprise's report is the enterprise's name.
    for cell in (summary["B6"], detail["A6"], detail["I6"], overdue["A6"], overdue["H6"],
                 quiz["A6"], quiz["B6"], summary["B3"], detail["B3"]):  # fmt: skip
        assert cell.data_type == "s", cell.coordinate
        assert cell.quotePrefix, cell.coordinate
    assert summary["B6"].value == ENTERPRISE and detail["A6"].value == ENTERPRISE
    assert detail["I6"].value == WORKER and quiz["B6"].value == WORKER
    assert overdue["H6"].value == WORKER  # the officer
    assert summary["B3"].value == ENTERPRISE
    formulas = [c.coordinate for ws in wb.worksheets for row in ws.iter_rows() for c in row
                if c.data_type == "f"]  # fmt: skip
    assert formulas == []


@pytest.mark.parametrize("text", ["+86 138", "-5", "@SUM(A1)", "\tx", "\rx", "＝1+2"])
def test_every_formula_start_is_written_as_text(text: str) -> None:
    wb = openpyxl.Workbook()
    assert wb.active is not None
    put(wb.active, 1, 1, text)
    put(wb.active, 1, 2, "安全")
    put(wb.active, 1, 3, 5)
    buffer = io.BytesIO()
    wb.save(buffer)
    ws = openpyxl.load_workbook(buffer).active
    assert ws is not None
    stored = ws["A1"].value.replace("\r", "\n")  # XML reads a CR back as a line feed
    assert (stored, ws["A1"].data_type, ws["A1"].quotePrefix) == (
        text.replace("\r", "\n"),
        "s",
        True,
    )
    assert (ws["B1"].value, ws["B1"].quotePrefix) == ("安全", False)
    assert (ws["C1"].value, ws["C1"].data_type) == (5, "n")


def test_sheet_names_from_peoples_text_are_ones_excel_accepts() -> None:
    wb = openpyxl.Workbook()
    assert sheet_name(wb, "乡镇·城关/东:区[1]*?\\") == "乡镇·城关_东_区_1____"
    assert sheet_name(wb, "'引号'") == "引号"
    long = "主管·" + "应急管理局" * 10
    assert sheet_name(wb, long) == long[:31]
    wb.create_sheet(long[:31])
    assert sheet_name(wb, long) == long[:29] + "~2", "unlike the sheets already there"
    assert sheet_name(wb, "   ") == "_"
