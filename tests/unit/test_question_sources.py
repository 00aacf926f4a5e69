"""Question-bank corrections: each question says what its source says, stays true next year,
and cannot be passed by striking out absurd options."""

from __future__ import annotations

import re

import pytest

from bot.paths import messages_dir
from bot.quiz import Question, QuestionBank, load_bank

ABSURD = ("朋友圈", "食堂", "菜单", "保洁", "绿化", "门卫", "收银", "拍照", "文件归档", "清扫")


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    return load_bank(messages_dir() / "questions")


def _q(bank: QuestionBank, qid: str) -> Question:
    return next(q for q in bank.questions if q.id == qid)


def test_gas_005_006_name_the_missing_check_system_chengzhen_ranqi_biaozhun_art4_5(
    bank: QuestionBank,
) -> None:
    gas5, gas6 = _q(bank, "gas-005"), _q(bank, "gas-006")
    assert "没有建立" in gas5.question.zh_CN and "定期安全检查制度" in gas5.question.zh_CN
    for q in (gas5, gas6):
        assert "建城规〔2023〕4号" in q.source.zh_CN and "第四条" in q.source.zh_CN
    assert "第四条（五）" in gas5.source.zh_CN
    [not_a_hazard] = [gas6.options[i].zh_CN for i in gas6.correct]
    assert "已建立" in not_a_hazard and "制度" in not_a_hazard


def test_fire_001_does_not_cite_xiaofangfa_art44_for_the_number_119(bank: QuestionBank) -> None:
    fire1 = _q(bank, "fire-001")
    assert "第四十四条" not in fire1.source.zh_CN and "119" in fire1.source.zh_CN


def test_no_question_asks_a_yearly_theme_that_goes_stale(bank: QuestionBank) -> None:
    dated = re.compile(r"20\d\d年")
    stale = [
        q.id
        for q in bank.questions
        if dated.search(q.question.zh_CN) and "主题" in q.question.zh_CN
    ]
    assert stale == [] and "6月" in _q(bank, "gen-049").options[1].zh_CN


def test_min_014_does_not_dismiss_refuge_chambers(bank: QuestionBank) -> None:
    q = _q(bank, "min-014")
    wrong = [o.zh_CN for i, o in enumerate(q.options) if i not in q.correct]
    assert not any("硐室" in w for w in wrong)
    assert "避难硐室" in q.explanation.zh_CN


def test_non_coal_mining_questions(bank: QuestionBank) -> None:
    non_coal = [
        q.id
        for q in bank.questions
        if "mining" in q.tags and ("非煤" in q.question.zh_CN or "金属非金属" in q.question.zh_CN)
    ]
    assert len(non_coal) >= 5


def test_gongmao_workers_get_the_gongmao_criteria_yingji_bu_ling_10(bank: QuestionBank) -> None:
    pool = bank.for_sector("industry_trade", "manager")
    assert any("令第10号" in q.source.zh_CN for q in pool)


def test_no_absurd_distractors(bank: QuestionBank) -> None:
    found = [
        (q.id, o.zh_CN)
        for q in bank.questions
        for i, o in enumerate(q.options)
        if i not in q.correct and any(word in o.zh_CN for word in ABSURD)
    ]
    assert found == []
