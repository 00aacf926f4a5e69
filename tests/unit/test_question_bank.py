"""The shipped 应知应会 bank is valid and big enough; broken files are reported precisely;
question picking keeps its promises (missed first, no repeats, deterministic)."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path
from textwrap import dedent

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from bot.datafile import DataFileError
from bot.quiz import (
    SECTOR_TAGS,
    TAGS,
    Question,
    QuestionBank,
    Text,
    check_bank,
    load_bank,
    pick_questions,
    score,
)
from bot.quiz.bank import FILE_PREFIXES, telegram_length

REPO = Path(__file__).resolve().parents[2]
BANK_DIR = REPO / "messages" / "questions"
SECTOR_FILES = (
    "fire",
    "hazardous_chemicals",
    "mining",
    "metallurgy",
    "construction",
    "dust",
    "gas",
    "fireworks",
    "transport",
)


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    return load_bank(BANK_DIR)


def _ids_in(path: Path) -> list[str]:
    return [q["id"] for q in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]]


def _sector_ids() -> list[str]:
    data = yaml.safe_load((REPO / "schedules" / "sectors.yaml").read_text(encoding="utf-8"))
    return [s["id"] for s in data["sectors"]]


# --- the shipped bank -------------------------------------------------------------------


def test_shipped_bank_loads_cleanly_and_is_big_enough(bank: QuestionBank) -> None:
    assert check_bank(BANK_DIR) == []
    assert len(bank.questions) >= 220


def test_every_topic_file_has_its_minimum() -> None:
    assert len(_ids_in(BANK_DIR / "general.yaml")) >= 50
    assert len(_ids_in(BANK_DIR / "manager.yaml")) >= 30
    for name in SECTOR_FILES:
        assert len(_ids_in(BANK_DIR / f"{name}.yaml")) >= 12, name


def test_manager_file_is_for_managers(bank: QuestionBank) -> None:
    for qid in _ids_in(BANK_DIR / "manager.yaml"):
        assert "manager" in bank.by_id(qid).audience


def test_every_tag_and_every_sector_has_at_least_12(bank: QuestionBank) -> None:
    sizes = bank.sizes_by_tag()
    assert set(sizes) == set(TAGS)
    assert all(n >= 12 for n in sizes.values()), sizes
    for sector in _sector_ids():
        assert sector in SECTOR_TAGS, f"sectors.yaml has {sector!r}, SECTOR_TAGS does not"
        for audience in ("worker", "manager"):
            assert len(bank.for_sector(sector, audience)) >= 12, (sector, audience)


def test_ids_unique_and_prefixed_by_file() -> None:
    files = sorted(BANK_DIR.glob("*.yaml"))
    assert {path.stem for path in files} == set(FILE_PREFIXES)
    all_ids = [qid for path in files for qid in _ids_in(path)]
    assert [qid for qid, n in Counter(all_ids).items() if n > 1] == []
    for path in files:
        assert all(qid.startswith(FILE_PREFIXES[path.stem] + "-") for qid in _ids_in(path))


def test_limits_hold_in_both_languages(bank: QuestionBank) -> None:
    for q in bank.questions:
        for lang in ("zh_CN", "en"):
            assert 0 < telegram_length(q.question.get(lang)) <= 300, q.id
            assert 0 < telegram_length(q.explanation.get(lang)) <= 200, q.id
            assert all(0 < telegram_length(o.get(lang)) <= 100 for o in q.options), q.id
        assert 2 <= len(q.options) <= 6, q.id
        assert q.correct and len(set(q.correct)) == len(q.correct), q.id
        assert all(0 <= i < len(q.options) for i in q.correct), q.id


def test_for_sector_mixes_base_and_sector_tags(bank: QuestionBank) -> None:
    mining = bank.for_sector("underground_mining")
    assert {t for q in mining for t in q.tags} >= {"general", "fire", "mining"}
    assert all(q.tags != ("gas",) for q in mining)
    assert all("worker" in q.audience for q in mining)
    catering = {q.id for q in bank.for_sector("catering")}
    assert catering == {q.id for q in bank.for_sector("gas")}
    unknown = {q.id for q in bank.for_sector("no-such-sector")}
    assert unknown == {q.id for q in bank.for_sector("other")}


def test_by_id(bank: QuestionBank) -> None:
    assert bank.by_id("gen-001").id == "gen-001"
    with pytest.raises(KeyError):
        bank.by_id("gen-999")


def test_text_get_picks_language() -> None:
    text = Text(zh_CN="中文", en="English")
    assert text.get("en") == text.get("en_US") == "English"
    assert text.get("zh_CN") == text.get("zh") == text.get("") == "中文"


# --- malformed files ----------------------------------------------------------------------

VALID = dedent(
    """\
    questions:
      - id: gen-001
        tags: [general]
        audience: [worker]
        question: {zh_CN: "问题", en: "Question"}
        options:
          - {zh_CN: "甲", en: "A"}
          - {zh_CN: "乙", en: "B"}
        correct: [1]
        explanation: {zh_CN: "因为", en: "Because"}
        source: {zh_CN: "来源", en: "Source"}
    """
)


def _write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "words"),
    [
        ("correct: [1]", "correct: one", 9, "questions.0.correct", "tuple"),
        ("    source:", "    difficulty: hard\n    source:", 11, "questions.0.difficulty", "Extra"),
        ("correct: [1]", "correct: [2]", 9, "questions.0.correct", "out of range"),
        (
            'question: {zh_CN: "问题", en: "Question"}',
            'question: {zh_CN: "问题"}',
            5,
            "questions.0.question.en",
            "required",
        ),
        ("tags: [general]", "tags: [generic]", 3, "questions.0.tags.0", "general"),
        ("correct: [1]", "correct: [1, 1]", 9, "questions.0.correct", "unique"),
        ('      - {zh_CN: "乙", en: "B"}\n', "", 6, "questions.0.options", "between 2 and 6"),
        ('en: "A"}', 'en: "' + "x" * 101 + '"}', 7, "questions.0.options.0", "100"),
    ],
)
def test_malformed_question_names_file_line_field(
    tmp_path: Path, old: str, new: str, line: int, field: str, words: str
) -> None:
    assert old in VALID
    path = _write(tmp_path, "general.yaml", VALID.replace(old, new, 1))
    [issue] = check_bank(tmp_path)
    assert (issue.file, issue.line, issue.field) == (str(path), line, field)
    assert words in issue.message


def test_yaml_syntax_error_gives_its_line(tmp_path: Path) -> None:
    broken = VALID.replace("    tags: [general]", "  tags: [general]", 1)  # dedented key
    path = _write(tmp_path, "general.yaml", broken)
    [issue] = check_bank(tmp_path)
    assert (issue.file, issue.line, issue.field) == (str(path), 3, "")
    assert issue.message.startswith("YAML")


def test_duplicate_id_across_files_points_at_both(tmp_path: Path) -> None:
    first = _write(tmp_path, "a.yaml", VALID)
    second = _write(tmp_path, "b.yaml", "# the same id again\n" + VALID)
    [issue] = check_bank(tmp_path)
    assert (issue.file, issue.line, issue.field) == (str(second), 3, "questions.0.id")
    assert f"{first}:2" in issue.message


def test_id_prefix_must_match_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "fire.yaml", VALID)
    [issue] = check_bank(tmp_path)
    assert (issue.file, issue.line, issue.field) == (str(path), 2, "questions.0.id")
    assert "'fire'" in issue.message


def test_every_issue_in_every_file_is_reported(tmp_path: Path) -> None:
    second_question = VALID.split("\n", 1)[1].replace("gen-001", "gen-002")
    two = VALID.replace("correct: [1]", "correct: [7]") + second_question.replace(
        'en: "Because"', "en: 5"
    )
    _write(tmp_path, "general.yaml", two)
    _write(tmp_path, "gas.yaml", VALID.replace("gen-001", "gas-001").replace("[worker]", "[boss]"))
    with pytest.raises(DataFileError) as caught:
        load_bank(tmp_path)
    where = sorted((Path(i.file).name, i.line, i.field) for i in caught.value.issues)
    assert where == [
        ("gas.yaml", 4, "questions.0.audience.0"),
        ("general.yaml", 9, "questions.0.correct"),
        ("general.yaml", 20, "questions.1.explanation.en"),
    ]


def test_empty_directory_is_an_issue(tmp_path: Path) -> None:
    [issue] = check_bank(tmp_path)
    assert issue.file == str(tmp_path)


# --- selection ------------------------------------------------------------------------------


def _question(qid: str) -> Question:
    text = {"zh_CN": qid, "en": qid}
    return Question.model_validate(
        {
            "id": qid,
            "tags": ["general"],
            "audience": ["worker"],
            "question": text,
            "options": [{"zh_CN": "是", "en": "yes"}, {"zh_CN": "否", "en": "no"}],
            "correct": [0],
            "explanation": text,
            "source": text,
        }
    )


POOL = [_question(f"gen-{i:03d}") for i in range(40)]


@st.composite
def _picks(draw: st.DrawFn) -> tuple[list[Question], int, list[str], set[str], int]:
    questions = draw(st.lists(st.sampled_from(POOL), max_size=30))  # may repeat: deduplicated
    ids = [q.id for q in POOL] + ["gone-001", "gone-002"]
    missed = draw(st.lists(st.sampled_from(ids), max_size=10))
    recent = draw(st.sets(st.sampled_from(ids), max_size=30))
    return questions, draw(st.integers(0, 45)), missed, recent, draw(st.integers(0, 2**32))


@given(_picks())
def test_pick_questions_properties(
    case: tuple[list[Question], int, list[str], set[str], int],
) -> None:
    questions, n, missed, recent, seed = case
    picked = pick_questions(
        questions, n, missed_first=missed, recently_asked=recent, rng=random.Random(seed)
    )
    available = {q.id for q in questions}
    ids = [q.id for q in picked]

    assert len(ids) == len(set(ids)) == min(n, len(available))
    assert set(ids) <= available
    missed_here = [qid for qid in dict.fromkeys(missed) if qid in available]
    assert ids[: len(missed_here)] == missed_here[:n]
    rest = ids[len(missed_here) :]
    fresh_left = len(available - set(missed_here) - recent)
    if fresh_left >= len(rest):
        assert not set(rest) & recent
    assert picked == pick_questions(
        questions, n, missed_first=missed, recently_asked=recent, rng=random.Random(seed)
    )


def test_pick_questions_rejects_negative_n() -> None:
    with pytest.raises(ValueError, match="n must be"):
        pick_questions(POOL, -1, rng=random.Random(0))


@pytest.mark.parametrize(
    ("correct", "chosen", "expected"),
    [
        ([1], [1], True),
        ([1], [2], False),
        ([0, 2], [2, 0], True),
        ([0, 2], [0], False),
        ([0], [0, 1], False),
        ([0], [], False),
    ],
)
def test_score_is_exact_set_match(correct: list[int], chosen: list[int], expected: bool) -> None:
    assert score(correct, chosen) is expected
